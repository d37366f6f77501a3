// Page-side probes of the browser benchmark (benchmarks/browser_speed.py), installed in every frame before
// the page's own scripts. Times are milliseconds since the epoch (performance.timeOrigin + performance.now()),
// so the page's and the map frame's can be compared.
(() => {
  const MAP_FRAME = "iframe[src*='/component/streamlit_folium.st_folium/']";
  const HEARTBEATS = new Set([17, 26]); // BackMsg.app_heartbeat, ForwardMsg.heartbeat_ack: not app activity
  const GRACE_MS = 3000; // all points loaded but not all drawn for this long: the map left some out
  const now = () => performance.timeOrigin + performance.now();
  const marks = { pointerdown: [], sent: [], received: [], render: [], last: now(), loaded: {} };
  window.__bench = marks;
  addEventListener("pointerdown", () => marks.pointerdown.push(now()), true);

  if (window.parent !== window) {
    // a component's frame: when Streamlit hands it new arguments
    addEventListener(
      "message",
      (event) => event.data && event.data.type === "streamlit:render" && marks.render.push(now()),
      true,
    );
    return;
  }

  // The top-level fields of a protobuf message: [field number, its bytes when length-delimited, else null].
  function fields(bytes) {
    const found = [];
    let at = 0;
    const varint = () => {
      let value = 0;
      let scale = 1;
      let byte;
      do {
        byte = bytes[at++];
        value += (byte & 127) * scale;
        scale *= 128;
      } while (byte & 128 && at < bytes.length);
      return value;
    };
    while (at < bytes.length) {
      const tag = varint();
      const wire = tag % 8;
      let body = null;
      if (wire === 0) varint();
      else if (wire === 1) at += 8;
      else if (wire === 2) {
        const length = varint();
        body = bytes.subarray(at, at + length);
        at += length;
      } else if (wire === 5) at += 4;
      else break;
      found.push([Math.floor(tag / 8), body]);
    }
    return found;
  }
  const DELTA = 5; // ForwardMsg.delta
  const NEW_ELEMENT = 3; // Delta.new_element
  // [time, bytes, the message's top-level field numbers, the field numbers of the element a delta adds]
  function note(list, data) {
    const bytes =
      data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : ArrayBuffer.isView(data)
          ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
          : new Uint8Array();
    const top = fields(bytes);
    const delta = top.find(([field]) => field === DELTA);
    const element = delta && delta[1] && fields(delta[1]).find(([field]) => field === NEW_ELEMENT);
    const kinds = top.map(([field]) => field);
    list.push([now(), bytes.length, kinds, element && element[1] ? fields(element[1]).map(([field]) => field) : []]);
    if (!kinds.some((field) => HEARTBEATS.has(field))) marks.last = now();
  }

  // every message on Streamlit's websocket, sent and received
  const Native = window.WebSocket;
  const send = Native.prototype.send;
  Native.prototype.send = function (data) {
    note(marks.sent, data);
    return send.call(this, data);
  };
  window.WebSocket = new Proxy(Native, {
    construct(target, args) {
      const socket = new target(...args);
      socket.addEventListener("message", (event) => note(marks.received, event.data));
      return socket;
    },
  });

  // Points a map frame draws (single markers, circles, and the counts of clusters), and whether one of its
  // cluster groups holds `expected` markers while the map stands still (loading is over).
  function points(frame, expected) {
    const doc = frame.contentDocument;
    const win = frame.contentWindow;
    if (!doc || !win) return { drawn: -1, loaded: false };
    let drawn = doc.querySelectorAll(".leaflet-marker-icon:not(.marker-cluster), path.leaflet-interactive").length;
    doc.querySelectorAll(".marker-cluster").forEach((cluster) => (drawn += parseInt(cluster.textContent, 10) || 0));
    const map = win.map;
    const moving = !map || map._animatingZoom || (map._panAnim && map._panAnim._inProgress);
    const groups = moving || !win.L || !win.L.MarkerClusterGroup ? [] : Object.values(map._layers);
    // the tree's count (private, O(1)): getLayers() would copy every marker on every animation frame
    const loaded = groups.some(
      (layer) => layer instanceof win.L.MarkerClusterGroup && layer._topClusterLevel.getChildCount() === expected,
    );
    return { drawn, loaded };
  }

  // When the page says it shows `expected` innovations and a map draws that many points: {at, sinceStart,
  // complete, drawn}; else 0. If every point is loaded but some stay undrawn for GRACE_MS, the moment loading ended
  // is returned with complete = false. `token` names the wait (one per change).
  window.__benchShows = ([expected, token]) => {
    const main = document.querySelector("[data-testid=stMain]");
    const said = main && main.textContent.match(/(\d[\d\s.,]*) de \d[\d\s.,]* innovaciones/);
    if (!said || Number(said[1].replace(/\D/g, "")) !== expected) return 0;
    const maps = [...document.querySelectorAll(MAP_FRAME)].map((frame) => points(frame, expected));
    if (maps.some((map) => map.drawn === expected)) {
      return { at: now(), sinceStart: performance.now(), complete: true, drawn: expected };
    }
    if (maps.some((map) => map.loaded)) marks.loaded[token] ??= now();
    const loaded = marks.loaded[token];
    if (loaded && now() - loaded > GRACE_MS) {
      const drawn = Math.max(-1, ...maps.map((map) => map.drawn));
      return { at: loaded, sinceStart: loaded - performance.timeOrigin, complete: false, drawn };
    }
    return 0;
  };

  // Streamlit is idle and its websocket has been silent (heartbeats aside) for `ms`.
  window.__benchQuiet = (ms) => !document.querySelector("[data-testid=stStatusWidget]") && now() - marks.last >= ms;
})();
