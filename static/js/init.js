// Loaded as a module on every page. A module runs only in browsers that GOV.UK Frontend
// supports, so reaching this line is the check its inline snippet would make; we cannot
// use that snippet because the Content-Security-Policy allows no inline script.
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
