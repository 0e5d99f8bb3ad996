// The reading figure under each box of the public summary's writing page, as they type.
const form = document.querySelector("form[data-readability-url]");
if (form) {
  const url = form.dataset.readabilityUrl;
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const timers = new Map();
  const show = async (box) => {
    const out = form.querySelector(`[data-readability-for="${box.id}"]`);
    if (!out) return;
    const body = new URLSearchParams({ text: box.value, csrfmiddlewaretoken: token });
    const response = await fetch(url, { method: "POST", body, credentials: "same-origin" });
    if (response.ok) out.textContent = await response.text();
  };
  form.querySelectorAll("textarea[data-readability]").forEach((box) => {
    show(box);
    box.addEventListener("input", () => {
      clearTimeout(timers.get(box));
      timers.set(box, setTimeout(() => show(box), 400));
    });
  });
}
