// Saves a draft of the monthly update on its own, so a timed-out session or a closed tab
// never loses what a lead has typed.
//
// Every item on the page (an action, an outcome target, a story so far) is a block with
// data-item="<key>" whose fields are named "<key>-<field>". When a field changes, its item
// is dirty. At most every 60 seconds, and when the tab is hidden or closed, the fields of
// the dirty items are POSTed (with the CSRF token) to the form's data-autosave-url, which
// saves them as drafts and answers with each item's new version and fingerprint; those go
// back into the hidden fields so the next save does not look like a conflict.
// Each save names the month the page was opened for (its hidden "month" field): once that
// month has closed the server refuses the draft, and its message is shown instead.
// The page works without this script: the buttons save and submit as a normal form.

const INTERVAL_MS = 60 * 1000;

const form = document.querySelector("form[data-autosave-url]");
const status = document.getElementById("autosave-status");

if (form && status) {
  const url = form.dataset.autosaveUrl;
  const dirty = new Set();
  let saving = false;
  let leaving = false;

  const itemOf = (element) => element.closest("[data-item]")?.dataset.item;

  const say = (text) => {
    status.textContent = text;
  };

  const body = () => {
    const data = new FormData();
    const token = form.querySelector("input[name=csrfmiddlewaretoken]");
    data.append("csrfmiddlewaretoken", token.value);
    data.append("month", form.elements.namedItem("month").value);
    for (const [name, value] of new FormData(form)) {
      const key = name.replace(/-[^-]+(_\d+)?$/, "");
      if (dirty.has(key)) {
        data.append(name, value);
      }
    }
    return data;
  };

  const apply = (answer) => {
    for (const [key, values] of Object.entries(answer.items || {})) {
      for (const [name, value] of Object.entries(values)) {
        const input = form.elements.namedItem(`${key}-${name}`);
        if (input && value !== null && value !== undefined) {
          input.value = value;
        }
      }
    }
    const problems = [];
    for (const conflict of answer.conflicts || []) {
      problems.push(`${conflict.message} Save the page to see their version.`);
    }
    if ((answer.not_saved || []).length) {
      problems.push("Some changes could not be saved yet; check them when you save.");
    }
    say(
      answer.saved_at
        ? `Draft saved at ${answer.saved_at}. ${problems.join(" ")}`.trim()
        : problems.join(" "),
    );
  };

  const save = async ({ keepalive = false } = {}) => {
    if (saving || dirty.size === 0) {
      return;
    }
    saving = true;
    const data = body();
    const sent = new Set(dirty);
    dirty.clear();
    try {
      const response = await fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
        keepalive,
      });
      if (response.headers.get("content-type")?.includes("application/json")) {
        const answer = await response.json();
        if (response.ok) {
          apply(answer);
        } else {
          say(`Draft not saved: ${answer.message || "please save the page."}`);
        }
      } else {
        // Signed out (a redirect to the sign-in page) or a server error: keep the items
        // dirty so the next attempt, or the lead's own save, carries them.
        sent.forEach((key) => dirty.add(key));
        say("Draft not saved. Save the page to keep your changes.");
      }
    } catch {
      sent.forEach((key) => dirty.add(key));
      if (!leaving) {
        say("Draft not saved: no connection. Your text is still here.");
      }
    } finally {
      saving = false;
    }
  };

  const markDirty = (event) => {
    const key = itemOf(event.target);
    if (key) {
      dirty.add(key);
    }
  };
  form.addEventListener("input", markDirty);
  form.addEventListener("change", markDirty);

  const timer = window.setInterval(save, INTERVAL_MS);

  // The lead's own save or submit replaces the draft; don't race it.
  form.addEventListener("submit", () => {
    window.clearInterval(timer);
    dirty.clear();
  });

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      save({ keepalive: true });
    }
  });

  window.addEventListener("pagehide", () => {
    leaving = true;
    if (dirty.size && navigator.sendBeacon) {
      navigator.sendBeacon(url, body());
      dirty.clear();
    }
  });

  // Back from the browser's page cache after a beacon: the hidden versions are stale, so
  // fetch the page again rather than offer a save that would look like a conflict.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted && leaving) {
      window.location.reload();
    }
  });
}
