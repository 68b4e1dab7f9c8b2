// Marks the page as scripted: without JavaScript the phone menu stays open (see portal.css).
document.documentElement.classList.add("js");
