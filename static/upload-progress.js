// Poll an upload's progress and update the bar; reload when it is finished.
(function () {
  "use strict";
  var section = document.getElementById("progress");
  if (!section) { return; }
  var url = section.getAttribute("data-progress-url");
  var bar = document.getElementById("progress-bar");
  var text = document.getElementById("progress-text");
  function tick() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.status === "done" || state.status === "failed") { window.location.reload(); return; }
        bar.max = Math.max(state.total, 1);
        bar.value = state.done;
        text.textContent = state.done.toLocaleString("en-US") + " of " + state.total.toLocaleString("en-US") + " rows";
        window.setTimeout(tick, 1000);
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, 500);
})();
