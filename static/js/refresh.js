// A page about work the background worker is doing (a pack being built) says so with
// data-refresh-seconds on <main>'s status panel: while it is there, the page reloads itself
// every so many seconds, until the work is done or failed and the page stops asking.
// Without this script the page has a "Check again" link that does the same.

const panel = document.querySelector("[data-refresh-seconds]");
if (panel) {
  const seconds = Number(panel.dataset.refreshSeconds) || 3;
  window.setTimeout(() => window.location.reload(), seconds * 1000);
}
