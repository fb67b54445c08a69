// Follow an upload's progress without reloading: the stage, rows done of total, and at
// the end a notice with the counts and a link to the outcomes. Served from the app's
// static folder: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var section = document.getElementById("progress");
  if (!section) { return; }
  var url = section.getAttribute("data-progress-url");
  var bar = document.getElementById("progress-bar");
  var text = document.getElementById("progress-text");
  var stage = document.getElementById("progress-stage");
  var notice = document.getElementById("progress-notice");
  var hint = document.getElementById("progress-hint");
  function finish(state) {
    bar.max = Math.max(state.total, 1);
    bar.value = state.status === "done" ? bar.max : 0;
    stage.textContent = state.stage_label;
    text.textContent = state.done.toLocaleString("en-US") + " of " + state.total.toLocaleString("en-US") + " rows";
    if (hint) { hint.hidden = true; }
    notice.textContent = "";
    var message = document.createElement("p");
    var tone = state.status !== "done" ? "danger" : (state.missing ? "warning" : "success");
    message.className = "alert alert-" + tone;
    message.setAttribute("role", "alert");
    message.textContent = state.notice + " ";
    var link = document.createElement("a");
    link.href = state.url;
    link.textContent = state.status === "done" ? "Show the outcomes" : "Show the details";
    message.appendChild(link);
    notice.appendChild(message);
    notice.hidden = false;
  }
  function tick() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.status === "done" || state.status === "failed") { finish(state); return; }
        bar.max = Math.max(state.total, 1);
        bar.value = state.done;
        stage.textContent = state.stage_label;
        text.textContent = state.done.toLocaleString("en-US") + " of " + state.total.toLocaleString("en-US") + " rows";
        window.setTimeout(tick, 1000);
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, 500);
})();
