// Web Bluetooth side of WebBluetoothTransport (src/EspProv.Web/Bluetooth): the browser's chooser, GATT connect, the
// endpoint map from 0x2901 descriptors, and one write-with-response + read per request (docs/web.md). Bytes only (as
// hex, the form .NET's [JSImport] takes from a promise): nothing here sees a secret in clear text, and nothing is logged.

const userDescription = 0x2901;

// Errors cross to .NET as "Name: message", so the transport can map them to its failures.
function fail(e) {
  throw new Error(`${e && e.name ? e.name : 'Error'}: ${e && e.message ? e.message : e}`);
}

// Whether asking can say yes: a browser without Web Bluetooth, or a page that is not a secure context, cannot use it.
export function mayHaveBluetooth() {
  return 'bluetooth' in navigator && window.isSecureContext;
}

export function availability() {
  if (!('bluetooth' in navigator)) {
    return Promise.resolve('missing');
  }
  if (!window.isSecureContext) {
    return Promise.resolve('insecure');
  }
  return navigator.bluetooth.getAvailability().then(a => (a ? 'available' : 'no-adapter'), () => 'no-adapter');
}

// The chooser: devices named PROV_… (or every device), with the provisioning service UUIDs as optional services so
// the page may use them once picked.
export async function requestDevice(namePrefix, allDevices, serviceUuids) {
  const options = allDevices
    ? { acceptAllDevices: true, optionalServices: serviceUuids }
    : { filters: [{ namePrefix }, ...serviceUuids.map(s => ({ services: [s] }))], optionalServices: serviceUuids };
  let device;
  try {
    device = await navigator.bluetooth.requestDevice(options);
  } catch (e) {
    fail(e);
  }
  return new Link(device, serviceUuids);
}

class Link {
  constructor(device, serviceUuids) {
    this.device = device;
    this.serviceUuids = serviceUuids;
    this.generation = 0;
    this.lost = true;
    this.endpoints = new Map();
    device.addEventListener('gattserverdisconnected', () => { this.lost = true; });
  }

  name() {
    return this.device.name || this.device.id;
  }

  // Connects (again) and maps endpoint names to characteristics; returns the link generation.
  async connect() {
    try {
      const server = await this.device.gatt.connect();
      this.endpoints = new Map();
      let service = null;
      for (const uuid of this.serviceUuids) {
        try {
          service = await server.getPrimaryService(uuid);
        } catch {
          continue;
        }
        await this.mapEndpoints(service);
        if (this.endpoints.has('proto-ver')) {
          break;
        }
      }
      if (!this.endpoints.has('proto-ver')) {
        throw { name: 'NotFoundError', message: 'no provisioning service (no characteristic named proto-ver) on this device' };
      }
      this.lost = false;
      this.generation += 1;
      return this.generation;
    } catch (e) {
      fail(e);
    }
  }

  // Every characteristic's 0x2901 description is asked for at once: the browser queues the reads on the link, and the
  // page waits for one round of promises instead of a chain of them.
  async mapEndpoints(service) {
    const named = await Promise.all((await service.getCharacteristics()).map(async characteristic => {
      try {
        const descriptor = await characteristic.getDescriptor(userDescription);
        return [new TextDecoder().decode(await descriptor.readValue()), characteristic];
      } catch {
        return null; // not an endpoint: protocomm names every one of its characteristics
      }
    }));
    for (const entry of named) {
      if (entry) {
        this.endpoints.set(entry[0], entry[1]);
      }
    }
  }

  isUp() {
    return !this.lost && this.device.gatt.connected;
  }

  // The link's generation once it is up, connecting (again) when it is not.
  async prepare() {
    return this.isUp() ? this.generation : this.connect();
  }

  // One exchange: write with response (the device stores its answer before acknowledging), then read it back. One
  // call from .NET per request: a link that is down ('LinkDown', nothing sent) or an endpoint the device lacks
  // ('NoEndpoint') is reported for the transport to handle.
  async exchange(endpoint, request) {
    if (!this.isUp()) {
      fail({ name: 'LinkDown', message: 'the link is down' });
    }
    const characteristic = this.endpoints.get(endpoint);
    if (!characteristic) {
      fail({ name: 'NoEndpoint', message: endpoint });
    }
    try {
      await characteristic.writeValueWithResponse(request);
      const value = await characteristic.readValue();
      return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    } catch (e) {
      fail(e);
    }
  }

  disconnect() {
    this.lost = true;
    if (this.device.gatt.connected) {
      this.device.gatt.disconnect();
    }
  }
}

// The module's functions that .NET imports (WebBluetooth.cs): a link crosses as a JS object reference.
export function linkName(link) {
  return link.name();
}

export function prepare(link) {
  return link.prepare();
}

export async function exchange(link, endpoint, requestHex) {
  const request = new Uint8Array(requestHex.length / 2);
  for (let i = 0; i < request.length; i++) {
    request[i] = parseInt(requestHex.substr(i * 2, 2), 16);
  }
  const response = await link.exchange(endpoint, request);
  return Array.from(response, b => b.toString(16).padStart(2, '0')).join('');
}

export function disconnect(link) {
  link.disconnect();
}
