// The search page: Pagefind's UI over the index built with the site (pagefind/). Result
// URLs in the index start at the site root; the site may live in a sub-folder, so the base
// is this page's parent ("<base>/search/" -> "<base>/").
(function () {
  "use strict";
  var element = document.getElementById("search");
  if (!element || typeof PagefindUI === "undefined") return;
  var base = new URL("../", window.location.href).pathname;
  // the index comes in bundles of a few dozen posts (an edit re-indexes one): merge the rest
  var merged = (element.dataset.bundles || "").split(" ").filter(Boolean).map(function (path) {
    return { bundlePath: new URL(path, window.location.href).pathname, baseUrl: base };
  });
  new PagefindUI({
    element: "#search",
    baseUrl: base,
    mergeIndex: merged,
    showSubResults: true,
    showImages: false,
    autofocus: true,
    translations: { placeholder: element.dataset.placeholder }
  });
  // a link such as search/?q=convolution opens with its results
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    var input = element.querySelector("input");
    if (input) { input.value = query; input.dispatchEvent(new Event("input")); }
  }
})();
