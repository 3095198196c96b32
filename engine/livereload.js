// Injected by `python build.py serve` into the pages it sends (engine/livereload.py); never
// part of a built site. The server fills in the build id and the address of the events.
// Errors are put into the page with textContent only: a message may quote any source text.
(() => {
  const built = BUILD_ID, key = "serve-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    const [x, y] = JSON.parse(saved);
    const restore = () => scrollTo({left: x, top: y, behavior: "instant"});
    restore();
    addEventListener("load", restore);  // once images and fonts have set the page's height
  }
  let host = null;
  const el = (parent, tag, cls, text) => {
    const node = parent.appendChild(document.createElement(tag));
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  function show(errors) {
    if (host) host.remove();
    host = document.createElement("serve-error-overlay");
    host.setAttribute("role", "alert");
    const root = host.attachShadow({mode: "open"});
    el(root, "style").textContent = `
      .back { position: fixed; inset: 0; z-index: 2147483647; background: rgba(0,0,0,.55);
              overflow: auto; font: 15px/1.45 system-ui, sans-serif; }
      .panel { max-width: 60rem; margin: 2rem auto; padding: 1.25rem 1.5rem; background: #fff;
               color: #1a1a1a; border-top: 6px solid #c62828; border-radius: 6px; }
      h2 { margin: 0 0 .25rem; font-size: 1.2rem; color: #c62828; }
      .hint { margin: 0 0 1rem; color: #555; }
      .error { margin: 0 0 1rem; }
      .where { font: 600 14px ui-monospace, monospace; }
      pre { margin: .3rem 0; padding: .4rem .6rem; background: #f4f4f4; overflow-x: auto;
            font: 13px ui-monospace, monospace; }
      .message { white-space: pre-wrap; }
      button { float: right; border: 0; background: none; font-size: 1.4rem; cursor: pointer; }`;
    const panel = el(el(root, "div", "back"), "div", "panel");
    el(panel, "button", "", "\u00d7").onclick = () => host.remove();
    el(panel, "h2", "", `Build failed: ${errors.length} error${errors.length > 1 ? "s" : ""}`);
    el(panel, "p", "hint", "The page shows the last good build. Fix and save: this goes away.");
    for (const e of errors) {
      const item = el(panel, "div", "error");
      const where = e.path ? (e.line ? `${e.path}:${e.line}` : e.path) : "build";
      el(item, "div", "where", where);
      if (e.source) el(item, "pre", "source", `${String(e.line).padStart(4)} | ${e.source}`);
      el(item, "div", "message", e.message);
    }
    document.documentElement.appendChild(host);
  }
  function update(event) {
    const state = JSON.parse(event.data);
    if (state.building) return;  // the outcome comes in the next message
    if (state.errors.length) return show(state.errors);
    if (host) { host.remove(); host = null; }
    if (state.build !== built) {
      sessionStorage.setItem(key, JSON.stringify([scrollX, scrollY]));
      location.reload();
    }
  }
  // Only a visible tab keeps a stream open: browsers allow six connections to one server, and
  // a seventh tab would wait for ever. A tab shown again gets the current state at once.
  let events = null;
  const listen = () => {
    if (document.hidden) { if (events) events.close(); events = null; }
    else if (!events) { events = new EventSource("EVENTS"); events.onmessage = update; }
  };
  document.addEventListener("visibilitychange", listen);
  addEventListener("pagehide", () => events && events.close());
  listen();
})();
