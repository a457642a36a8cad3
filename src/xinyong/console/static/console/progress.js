// Polls the batch's progress.json every second while the import runs, then reloads the
// page to show the counts and the rejected rows. Without JavaScript the page offers a
// refresh link instead.
(function () {
  "use strict";
  var panel = document.querySelector("[data-progress-url]");
  if (!panel || !window.fetch) { return; }
  var bar = document.getElementById("progress-bar");
  var label = document.getElementById("progress-label");

  function show(data) {
    if (data.percent === null || data.percent === undefined) {
      bar.removeAttribute("value");
    } else {
      bar.value = data.percent;
      bar.textContent = data.percent + "%";
    }
    label.textContent = data.label;
  }

  function poll() {
    fetch(panel.getAttribute("data-progress-url"), {
      credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store"
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (data) {
      show(data);
      if (data.state === "running" && !data.stale) {
        window.setTimeout(poll, 1000);
      } else {
        window.location.reload();
      }
    }).catch(function () {
      window.setTimeout(poll, 3000);
    });
  }

  window.setTimeout(poll, 1000);
})();
