// Preload for the Microsoft 365 Agents Playground (NODE_OPTIONS=--require <this file>):
// it calls `server.listen(port)` without a host, which binds every interface. This makes
// every such listen, and any listen on 0.0.0.0 or ::, bind 127.0.0.1 instead.
'use strict';
const net = require('node:net');

const LOOPBACK = '127.0.0.1';
const ANY = new Set(['0.0.0.0', '::', '::0', '']);
const original = net.Server.prototype.listen;

function loopback(args) {
  const first = args[0];
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    if ('path' in first || 'fd' in first || first instanceof net.Server) return args;
    if (first.host === undefined || ANY.has(String(first.host))) {
      return [{ ...first, host: LOOPBACK }, ...args.slice(1)];
    }
    return args;
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return args; // a unix socket path
  if (first === undefined || typeof first === 'function') {
    return [0, LOOPBACK, ...args];
  }
  // listen(port[, host][, backlog][, callback])
  const host = args[1];
  if (typeof host === 'string') {
    return ANY.has(host) ? [first, LOOPBACK, ...args.slice(2)] : args;
  }
  return [first, LOOPBACK, ...args.slice(1)];
}

net.Server.prototype.listen = function listen(...args) {
  return original.apply(this, loopback(args));
};
