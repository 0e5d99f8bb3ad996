// Draws the dashboard's charts. Loaded as a module after plotly's strict bundle (a classic
// script that defines window.Plotly). The figures are JSON data blocks written by Django's
// json_script, so no inline script runs and the Content-Security-Policy stays strict.
//
// Each chart element names its data block: <div data-chart-figure="ID">. Each bar carries
// in its customdata where the items behind it are listed: the URL of the items page, which
// the click follows, or the id of an element on this page (a <details> list), which the
// click opens, moving focus to it. Without script the tables do the same through ordinary
// links.

const CONFIG = { displaylogo: false, responsive: true, displayModeBar: false };

// A page's address (the server writes them starting with "/"); an element id never does.
function isUrl(target) {
  return typeof target === "string" && target.startsWith("/");
}

function openList(id) {
  const list = id ? document.getElementById(id) : null;
  if (!list) {
    return;
  }
  if (list.tagName === "DETAILS") {
    list.open = true;
  }
  list.scrollIntoView({ block: "start" });
  const summary = list.querySelector("summary");
  (summary || list).focus({ preventScroll: true });
}

function drawCharts(Plotly) {
  for (const element of document.querySelectorAll("[data-chart-figure]")) {
    const source = document.getElementById(element.dataset.chartFigure);
    if (!source) {
      continue;
    }
    const figure = JSON.parse(source.textContent);
    Plotly.newPlot(element, figure.data, figure.layout, CONFIG).then(() => {
      element.on("plotly_click", (event) => {
        const point = event.points && event.points[0];
        if (point && isUrl(point.customdata)) {
          window.location.assign(point.customdata);
        } else if (point) {
          openList(point.customdata);
        }
      });
      element.dataset.chartDrawn = "true";
    });
  }
}

// A link to a list (from a table's figure, or a shared URL) opens it too.
function openFromHash() {
  if (window.location.hash.length > 1) {
    openList(decodeURIComponent(window.location.hash.slice(1)));
  }
}

window.addEventListener("hashchange", openFromHash);
openFromHash();

if (window.Plotly) {
  drawCharts(window.Plotly);
}
