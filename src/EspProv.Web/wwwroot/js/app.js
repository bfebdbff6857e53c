// The page: checks for Web Bluetooth while the .NET runtime loads, then shows the device form and each change of a
// run (src/EspProv.Web/Page: PageApi takes the user's acts, PageView sends what changed). Inputs are read only when a
// button hands them to .NET and are cleared once taken; nothing here logs or stores anything (docs/web.md).
import * as webble from './webble.js';

// A DOM element; children are elements or strings (always set as text, never as markup).
function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith('on')) {
      element.addEventListener(key.slice(2), value);
    } else if (value !== null && value !== undefined && value !== false) {
      element.setAttribute(key, value === true ? '' : value);
    }
  }
  element.append(...children.filter(c => c !== null && c !== undefined));
  return element;
}

const $ = id => document.getElementById(id);

// The page is interactive (benches measure navigation → this mark; tests wait for the attribute).
function markReady() {
  performance.mark('espprov-ready');
  document.documentElement.dataset.ready = 'true';
}

async function startRuntime() {
  const { dotnet } = await import('../_framework/dotnet.js');
  const runtime = await dotnet.create();
  runtime.setModuleImports('webble', webble);
  runtime.setModuleImports('page', { showPickError, addLine, setNetworks, showStage });
  const exports = await runtime.getAssemblyExports(runtime.getConfig().mainAssemblyName);
  return exports.EspProv.Web.Page.PageApi;
}

const noBluetoothReasons = {
  insecure: [
    'Web Bluetooth works only on a secure page: open this page over HTTPS, or from ', h('code', {}, 'http://localhost'),
    ' (', h('code', {}, 'esp-prov web'), ' serves it there).'],
  'no-adapter': ['The browser has Web Bluetooth but sees no Bluetooth adapter: plug one in or switch Bluetooth on, then reload.'],
  missing: ['This browser has no Web Bluetooth (Firefox and Safari do not offer it).'],
};

function showNoBluetooth(reason) {
  $('checking').replaceWith(h('main', { id: 'no-bluetooth' },
    h('h2', {}, 'This browser cannot reach Bluetooth devices'),
    h('p', {}, ...(noBluetoothReasons[reason] || noBluetoothReasons.missing)),
    h('ul', {},
      h('li', {}, 'Use ', h('strong', {}, 'Chrome'), ' or ', h('strong', {}, 'Edge'), ' on Windows, macOS, ChromeOS or Android.'),
      h('li', {}, 'On Linux, Chrome and Chromium need ', h('code', {}, 'chrome://flags/#enable-experimental-web-platform-features'),
        ' enabled (and BlueZ running).'),
      h('li', {}, 'Or use the ', h('code', {}, 'esp-prov'), ' command line: ', h('code', {}, 'esp-prov --transport ble --service_name PROV_… --ssid …'),
        ' (BLE through BlueZ on Linux; soft AP everywhere).'))));
}

let api = null;

function showDeviceForm() {
  const pick = () => {
    api.Pick($('all-devices').checked, $('service-uuid').value, $('scheme').value).catch(e => showPickError(String(e)));
  };
  $('checking').replaceWith(h('main', { id: 'ready' },
    h('section', {},
      h('h2', {}, '1. Device'),
      h('label', {}, h('input', { id: 'all-devices', type: 'checkbox' }), ' show all devices (not only names starting with PROV_)'),
      h('label', {}, 'Service UUID, when the firmware sets its own ', h('input', { id: 'service-uuid', placeholder: 'optional' })),
      h('label', {}, 'Security ', h('select', { id: 'scheme' },
        h('option', { value: 'auto' }, 'as the device says'),
        h('option', { value: '0' }, '0 (plaintext)'),
        h('option', { value: '1' }, '1 (PoP, X25519 + AES-CTR)'),
        h('option', { value: '2' }, '2 (SRP6a + AES-GCM)'))),
      h('button', { id: 'pick', onclick: pick }, 'Choose device'),
      h('div', { id: 'pick-error-slot' })),
    h('section', { id: 'run', hidden: true },
      h('h2', { id: 'device' }),
      h('ol', { id: 'log' }),
      ...['security', 'network', 'retry', 'again', 'outcome'].map(slot => h('div', { id: `${slot}-slot`, 'data-key': '' })))));
}

// Puts content in a slot when its key changes (a form stays, with what was typed, while its key holds).
function fill(slot, key, make) {
  const element = $(`${slot}-slot`);
  if (element.dataset.key !== key) {
    element.dataset.key = key;
    element.replaceChildren(...(key ? [make()] : []));
  }
}

function formError(slot, id, error) {
  $(id)?.remove();
  if (error) {
    $(slot).append(h('p', { class: 'error', id }, error));
  }
}

function securityForm(scheme) {
  const secrets = scheme === 1
    ? [h('label', {}, 'Proof of possession (PoP) ', h('input', { id: 'pop', type: 'password', autocomplete: 'off' }))]
    : [h('label', {}, 'Username ', h('input', { id: 'sec2-username', autocomplete: 'off' })),
       h('label', {}, 'Password ', h('input', { id: 'sec2-password', type: 'password', autocomplete: 'off' }))];
  const submit = () => {
    const inputs = ['pop', 'sec2-username', 'sec2-password'].map($);
    const [pop, username, password] = inputs.map(i => (i ? i.value : ''));
    const error = api.SubmitSecurity(pop, username, password);
    formError('security', 'security-error', error);
    if (!error) {
      inputs.forEach(i => { if (i) { i.value = ''; } });
    }
  };
  const useQr = () => {
    const error = api.UseQr($('qr').value);
    formError('security', 'security-error', error);
    if (!error) {
      $('qr').value = '';
    }
  };
  return h('div', { id: 'security' },
    h('h3', {}, `Security ${scheme}`),
    ...secrets,
    h('details', {},
      h('summary', {}, 'or paste the device\'s QR payload'),
      h('textarea', { id: 'qr', autocomplete: 'off', placeholder: '{"ver":"v1","name":"PROV_…","pop":"…","transport":"ble"}' }),
      h('button', { id: 'qr-use', onclick: useQr }, 'Use QR payload')),
    h('button', { id: 'start-session', onclick: submit }, 'Start session'));
}

function networkForm(networks) {
  const table = networks && networks.length > 0
    ? h('table', { id: 'networks' },
        h('thead', {}, h('tr', {}, ...['SSID', 'BSSID', 'Channel', 'RSSI', 'Security', ''].map(t => h('th', {}, t)))),
        h('tbody', {}, ...networks.map(([ssid, ...shown]) => h('tr', {},
          ...shown.map(text => h('td', {}, text)),
          h('td', {}, h('button', { class: 'use-network', onclick: () => { $('ssid').value = ssid; } }, 'Use'))))))
    : null;
  const submit = () => {
    const error = api.SubmitNetwork($('ssid').value, $('passphrase').value, $('custom-data').value);
    formError('network', 'network-error', error);
    if (!error) {
      $('passphrase').value = '';
    }
  };
  return h('div', { id: 'network' },
    h('h3', {}, 'Network'),
    table,
    h('label', {}, 'SSID ', h('input', { id: 'ssid', autocomplete: 'off' })),
    h('label', {}, 'Passphrase ', h('input', { id: 'passphrase', type: 'password', autocomplete: 'off' })),
    h('label', {}, 'Custom data (optional, sent to the device\'s custom-data endpoint) ', h('input', { id: 'custom-data', autocomplete: 'off' })),
    h('button', { id: 'provision', onclick: submit }, 'Provision'));
}

function retryForm() {
  const retry = () => {
    const input = $('retry-passphrase');
    const passphrase = input.value;
    input.value = '';
    api.RetryPassphrase(passphrase);
  };
  return h('div', { id: 'retry' },
    h('label', {}, 'Another passphrase ', h('input', { id: 'retry-passphrase', type: 'password', autocomplete: 'off' })),
    h('button', { id: 'retry-button', onclick: retry }, 'Try another passphrase'));
}

// What PageView.cs sends: a run is the device picked (1, 2, …); its log only grows.
let shownRun = 0;
let networks = null;

function showPickError(message) {
  $('pick-error-slot').replaceChildren(...(message ? [h('p', { class: 'error', id: 'pick-error' }, message)] : []));
}

function startRun(run) {
  if (run !== shownRun) {
    shownRun = run;
    networks = null;
    $('log').replaceChildren();
  }
}

function addLine(run, index, text, isError) {
  startRun(run);
  const log = $('log');
  if (index === log.children.length) {
    log.append(h('li', { class: isError ? 'error' : null }, text));
  }
}

// Six strings per network: SSID as sent, then as shown, BSSID, channel, RSSI, security.
function setNetworks(run, rows) {
  startRun(run);
  networks = [];
  for (let i = 0; i + 6 <= rows.length; i += 6) {
    networks.push(rows.slice(i, i + 6));
  }
}

function showStage(run, device, stage, canRetry, scheme) {
  startRun(run);
  $('pick').disabled = stage === 'Working';
  $('run').hidden = false;
  $('device').textContent = `2. ${device}`;
  fill('security', stage === 'NeedSecurity' && scheme >= 0 ? `${run}:${scheme}` : '', () => securityForm(scheme));
  fill('network', stage === 'NeedNetwork' ? String(run) : '', () => networkForm(networks));
  fill('retry', stage === 'WifiFailed' ? 'retry' : '', retryForm);
  fill('again', stage === 'Failed' && canRetry ? 'again' : '', () => h('button', { id: 'again', onclick: () => api.Again() }, 'Try again'));
  const outcome = { Joined: 'ok', Failed: 'error', WifiFailed: 'error' }[stage] || '';
  fill('outcome', outcome, () => h('p', { id: 'outcome', class: outcome }, outcome === 'ok' ? 'Provisioning was successful' : 'Provisioning failed'));
}

// Web Bluetooth is asked about while the runtime loads; a browser without it never loads the runtime.
const runtime = webble.mayHaveBluetooth() ? startRuntime() : null;
runtime?.catch(() => {}); // awaited below only when Bluetooth is there; otherwise its failure matters to no one
const availability = await webble.availability();
if (availability !== 'available') {
  showNoBluetooth(availability);
} else {
  try {
    api = await runtime;
    showDeviceForm();
    // While the user reads the page: the first use of what a run needs right after a pick (PageApi.Warm).
    (window.requestIdleCallback || setTimeout)(() => api.Warm());
  } catch (e) {
    $('checking').replaceWith(h('p', { class: 'error', id: 'load-error' }, `The page's .NET runtime did not start: ${e && e.message ? e.message : e}`));
  }
}
markReady();
