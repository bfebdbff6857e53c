// The bench's probe, injected into the page before its own scripts (bench/EspProv.Web.Bench): times on the page's
// clock (ms since navigation start) of the load phases, every Web Bluetooth call and each line of the step log. It
// wraps browser APIs; it changes nothing the page does. Bench only: never shipped.
(() => {
  const probe = { marks: {}, calls: [], lines: [], clicks: [] };
  window.__probe = probe;
  const now = () => performance.now();
  const mark = name => { if (!(name in probe.marks)) { probe.marks[name] = now(); } };

  // Every promise-returning call of interest: start, end, and what it was.
  const wrap = (owner, name, label) => {
    if (!owner || typeof owner[name] !== 'function') {
      return;
    }
    const original = owner[name];
    owner[name] = function (...args) {
      const call = { what: label, start: now(), end: -1, uuid: this && this.uuid ? String(this.uuid) : '' };
      probe.calls.push(call);
      const result = original.apply(this, args);
      const done = () => { call.end = now(); };
      Promise.resolve(result).then(done, done);
      return result;
    };
  };

  // Console lines, stamped (for temporary marks written by the app while investigating).
  for (const level of ['log', 'info']) {
    const original = console[level];
    console[level] = function (...args) {
      probe.marks[`console:${String(args[0]).slice(0, 60)}`] = now();
      return original.apply(this, args);
    };
  }

  wrap(WebAssembly, 'instantiateStreaming', 'wasm.instantiate');
  wrap(WebAssembly, 'instantiate', 'wasm.instantiate');
  wrap(WebAssembly, 'compileStreaming', 'wasm.compile');
  if (window.Bluetooth) {
    wrap(Bluetooth.prototype, 'getAvailability', 'bt.getAvailability');
    wrap(Bluetooth.prototype, 'requestDevice', 'bt.requestDevice');
    wrap(BluetoothRemoteGATTServer.prototype, 'connect', 'gatt.connect');
    wrap(BluetoothRemoteGATTServer.prototype, 'getPrimaryService', 'gatt.getPrimaryService');
    wrap(BluetoothRemoteGATTService.prototype, 'getCharacteristics', 'gatt.getCharacteristics');
    wrap(BluetoothRemoteGATTCharacteristic.prototype, 'getDescriptor', 'gatt.getDescriptor');
    wrap(BluetoothRemoteGATTDescriptor.prototype, 'readValue', 'gatt.readDescriptor');
    wrap(BluetoothRemoteGATTCharacteristic.prototype, 'writeValueWithResponse', 'gatt.write');
    wrap(BluetoothRemoteGATTCharacteristic.prototype, 'readValue', 'gatt.read');
  }

  // Clicks (the bench's "user"), on the capture phase so they are stamped before the page handles them.
  document.addEventListener('click', e => {
    const id = e.target && e.target.id;
    if (id) {
      probe.clicks.push({ id, t: now() });
    }
  }, true);

  // DOM milestones: the forms appearing, each step log line, the outcome.
  const seen = new Set();
  const check = () => {
    for (const id of ['ready', 'security', 'network', 'outcome']) {
      if (document.getElementById(id)) {
        mark(`shown:${id}`);
      }
    }
    const log = document.getElementById('log');
    if (log) {
      for (const li of log.children) {
        if (!seen.has(li)) {
          seen.add(li);
          probe.lines.push({ t: now(), text: li.textContent });
        }
      }
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
})();
