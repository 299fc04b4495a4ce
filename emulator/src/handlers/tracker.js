/*
 * mindbox-emulator's stand-in for Mindbox's tracker (https://api.mindbox.ru/scripts/v1/tracker.js).
 *
 * It speaks the page-facing API a shop uses (create, identify, async, sync,
 * helpers.getDeviceUUID) and sends each call to the emulator it was loaded from, so that the
 * emulator's journal shows what a page asked the tracker to do. It reaches no other host and
 * evaluates no code.
 */
(function (window, document) {
  'use strict';

  var SCRIPT_PATH = '/scripts/v1/tracker.js';
  var COOKIE = 'mindboxDeviceUUID';
  var COOKIE_ATTRIBUTES = '; path=/; max-age=31536000; SameSite=Lax';

  // Loaded twice (two snippets on one page): the first copy already owns the queue.
  if (window.mindbox && window.mindbox.emulated) {
    return;
  }

  function endsWithScriptPath(src) {
    var path = String(src || '').split(/[?#]/)[0];
    return path.slice(-SCRIPT_PATH.length) === SCRIPT_PATH;
  }

  // currentScript is null when the script runs from a callback or as a module; the snippet
  // loads it as a plain async script, so the fallback is for pages that do something else.
  function ownSrc() {
    var current = document.currentScript;
    if (current && endsWithScriptPath(current.src)) {
      return current.src;
    }
    var scripts = document.getElementsByTagName('script');
    for (var i = scripts.length - 1; i >= 0; i--) {
      if (endsWithScriptPath(scripts[i].src)) {
        return scripts[i].src;
      }
    }
    return '';
  }

  var originMatch = /^[a-z][a-z0-9+.-]*:\/\/[^\/?#]+/i.exec(ownSrc());
  var origin = originMatch ? originMatch[0] : '';

  function readCookie(name) {
    var parts = String(document.cookie || '').split(';');
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i].replace(/^\s+/, '');
      var eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq) === name) {
        try {
          return decodeURIComponent(part.slice(eq + 1));
        } catch (e) {
          return part.slice(eq + 1);
        }
      }
    }
    return null;
  }

  // randomUUID exists only in secure contexts; a shop on plain http://shop.local has only
  // getRandomValues.
  function newUuid() {
    var crypto = window.crypto;
    if (crypto && typeof crypto.randomUUID === 'function') {
      return crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = '';
    for (var i = 0; i < 16; i++) {
      hex += (bytes[i] + 0x100).toString(16).slice(1);
      if (i === 3 || i === 5 || i === 7 || i === 9) {
        hex += '-';
      }
    }
    return hex;
  }

  var deviceUUID = readCookie(COOKIE);
  if (!deviceUUID) {
    deviceUUID = newUuid();
    document.cookie = COOKIE + '=' + deviceUUID + COOKIE_ATTRIBUTES;
  }

  var created = false;
  var endpointId = null;
  var beforeCreate = [];
  // One call at a time, in the order made: the journal's order is then the page's order.
  var chain = Promise.resolve();

  function warn(message, detail) {
    if (window.console && window.console.warn) {
      window.console.warn('mindbox (emulator): ' + message, detail);
    }
  }

  function callBack(callback, value) {
    if (typeof callback !== 'function') {
      return;
    }
    try {
      callback(value);
    } catch (e) {
      warn('a callback threw', e);
    }
  }

  function query(pairs) {
    var parts = [];
    for (var i = 0; i < pairs.length; i++) {
      var value = pairs[i][1];
      if (value !== null && value !== undefined) {
        parts.push(encodeURIComponent(pairs[i][0]) + '=' + encodeURIComponent(value));
      }
    }
    return parts.join('&');
  }

  function send(kind, options) {
    var o = options || {};
    var url = origin + '/tracker/v3/operations/' + kind + '?' + query([
      ['endpointId', endpointId],
      ['operation', o.operation],
      ['deviceUUID', deviceUUID]
    ]);
    var body = JSON.stringify(o.data || {});
    chain = chain.then(function () {
      // text/plain keeps the request CORS-simple: no preflight, as with the real tracker.
      return window.fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
        body: body,
        keepalive: true,
        credentials: 'omit'
      }).then(function (response) {
        return response.text().then(function (text) {
          var answer;
          try {
            answer = JSON.parse(text);
          } catch (e) {
            answer = { status: 'InvalidResponse', httpStatusCode: response.status, text: text };
          }
          var ok = response.ok && answer && answer.status === 'Success';
          callBack(ok ? o.onSuccess : o.onError, answer);
        });
      }, function (error) {
        callBack(o.onError, error);
      });
    }).then(null, function (error) {
      warn('a call failed', error);
    });
  }

  function mindbox(command, options) {
    switch (command) {
      case 'create':
        created = true;
        endpointId = (options && options.endpointId) || null;
        var waiting = beforeCreate;
        beforeCreate = [];
        for (var i = 0; i < waiting.length; i++) {
          mindbox.apply(null, waiting[i]);
        }
        return;
      case 'identify':
      case 'async':
      case 'sync':
        if (!created) {
          beforeCreate.push([command, options]);
        } else {
          send(command === 'sync' ? 'sync' : 'async', options);
        }
        return;
      case 'helpers.getDeviceUUID':
        callBack(options, deviceUUID);
        return;
      default:
        warn('unknown command ignored', command);
    }
  }
  mindbox.emulated = true;

  var queued = (window.mindbox && window.mindbox.queue) || [];
  // The snippet's `mindbox.queue = mindbox.queue || []` may run again after this script.
  mindbox.queue = [];
  window.mindbox = mindbox;
  for (var q = 0; q < queued.length; q++) {
    try {
      mindbox.apply(null, queued[q]);
    } catch (e) {
      warn('a queued call threw', e);
    }
  }
})(window, document);
