// The reading figure under each box of the public summary's writing page, as they type.
const form = document.querySelector("form[data-readability-url]");
if (form) {
  const url = form.dataset.readabilityUrl;
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const timers = new Map();
  // Answers can come back out of order (the figure for the page's first text may arrive
  // after the one for what was typed since): only the latest asked for is shown.
  const asked = new Map();
  const show = async (box) => {
    const out = form.querySelector(`[data-readability-for="${box.id}"]`);
    if (!out) return;
    const number = (asked.get(box) || 0) + 1;
    asked.set(box, number);
    const body = new URLSearchParams({ text: box.value, csrfmiddlewaretoken: token });
    const response = await fetch(url, { method: "POST", body, credentials: "same-origin" });
    if (!response.ok) return;
    const text = await response.text();
    if (asked.get(box) === number) out.textContent = text;
  };
  form.querySelectorAll("textarea[data-readability]").forEach((box) => {
    show(box);
    box.addEventListener("input", () => {
      clearTimeout(timers.get(box));
      timers.set(box, setTimeout(() => show(box), 400));
    });
  });
}
