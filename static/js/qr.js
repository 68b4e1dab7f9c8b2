// The session's check-in screen: fetch the next code before the current one expires.
(function () {
  "use strict";
  function start() {
    var screen = document.getElementById("qr-screen");
    if (!screen) { return; }
    var feed = screen.getAttribute("data-feed");
    var box = document.getElementById("qr-code");
    var shortCode = document.getElementById("qr-short");
    var count = document.getElementById("qr-count");
    var full = document.getElementById("qr-full");
    if (full && document.documentElement.requestFullscreen) {
      full.classList.remove("d-none");
      full.addEventListener("click", function () { document.documentElement.requestFullscreen(); });
    }
    function schedule(seconds) {
      window.setTimeout(refresh, Math.max(1, seconds) * 1000 + 150);
    }
    function refresh() {
      fetch(feed, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) {
          var svg = new DOMParser().parseFromString(data.svg, "image/svg+xml").documentElement;
          box.replaceChildren(document.importNode(svg, true));
          shortCode.textContent = data.code;
          count.textContent = data.checked_in;
          schedule(data.seconds);
        })
        .catch(function () { schedule(5); });
    }
    schedule(parseInt(screen.getAttribute("data-seconds"), 10) || 5);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
