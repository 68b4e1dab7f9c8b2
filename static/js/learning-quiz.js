/* Quiz page, progressive enhancement only: the form works without this file.
 * - Saves the answers to the server whenever one changes, so a lost connection or a closed
 *   tab loses at most the last click (the server keeps them; the page can be reloaded).
 * - Shows the time left and submits the form when it reaches zero. The server enforces the
 *   limit whatever this script does.
 */
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form) { return; }
  var status = document.getElementById("quiz-save-status");
  var pending = null;

  function save() {
    var data = new FormData(form);
    data.append("save", "1");
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (result.ok && result.body.status === "saved") {
        status.textContent = form.dataset.savedText;
      } else if (result.body.location) {
        window.location.assign(result.body.location);  // submitted or timed out elsewhere
      } else {
        status.textContent = result.body.message || form.dataset.errorText;
      }
    }).catch(function () {
      status.textContent = form.dataset.errorText;
    });
  }

  form.addEventListener("change", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(save, 400);
  });

  var timer = document.getElementById("quiz-timer");
  if (timer && timer.dataset.secondsLeft) {
    // From the server's clock, so a wrong clock on the phone does not matter.
    var deadline = Date.now() + 1000 * parseInt(timer.dataset.secondsLeft, 10);
    var finish = form.querySelector("[name=finish]");
    var tick = function () {
      var left = Math.max(0, Math.floor((deadline - Date.now()) / 1000));
      var minutes = Math.floor(left / 60), seconds = left % 60;
      timer.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (left === 0) {
        window.clearInterval(interval);
        if (form.requestSubmit && finish) { form.requestSubmit(finish); } else if (finish) { finish.click(); }
      }
    };
    var interval = window.setInterval(tick, 1000);
    tick();
  }
}());
