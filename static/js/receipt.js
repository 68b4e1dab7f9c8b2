// The WBS receipt's Print and Copy buttons. Without JavaScript they stay hidden and the page
// says how to print; nothing here is needed to keep the receipt.
document.addEventListener("DOMContentLoaded", function () {
  var print = document.getElementById("receipt-print");
  var copy = document.getElementById("receipt-copy");
  var status = document.getElementById("receipt-copy-status");
  if (print && typeof window.print === "function") {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
  if (copy && navigator.clipboard && window.isSecureContext) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(copy.dataset.code).then(function () {
        status.textContent = copy.dataset.done;
      }, function () {
        status.textContent = copy.dataset.failed;
      });
    });
  }
});
