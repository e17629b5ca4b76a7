// etcdmp console: live updates (one EventSource per page; the server's one etcd watch feeds them all) and uploads.
// Loaded from the jar; no inline script (Content-Security-Policy: script-src 'self').
(function () {
  'use strict';
  var live = document.getElementById('live');
  var status = document.getElementById('live-status');
  var inFlight = false;
  var again = false;

  function refresh() {
    if (!live) { return; }
    if (inFlight) { again = true; return; }
    var focused = document.activeElement;
    if (focused && live.contains(focused) && (focused.tagName === 'INPUT' || focused.tagName === 'TEXTAREA')) {
      again = true; // the operator is typing in the live part: refreshed when the field is left
      return;
    }
    inFlight = true;
    fetch(location.href, { headers: { 'X-Live': '1' }, credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(new Error('HTTP ' + r.status)); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString('<div>' + html + '</div>', 'text/html');
        live.replaceChildren.apply(live, Array.prototype.slice.call(doc.body.firstChild.childNodes));
        live.setAttribute('data-updated', String(Date.now()));
      })
      .catch(function (e) { if (status) { status.textContent = 'Live update failed: ' + e.message; } })
      .finally(function () {
        inFlight = false;
        if (again) { again = false; refresh(); }
      });
  }

  if (live && window.EventSource && !document.body.hasAttribute('data-static')) {
    var events = new EventSource('/events');
    events.addEventListener('change', function (e) {
      var data = JSON.parse(e.data);
      if (status) { status.textContent = 'Live: etcd revision ' + data.revision; }
      document.body.setAttribute('data-revision', String(data.revision));
      refresh();
    });
    events.onopen = function () { if (status) { status.textContent = 'Live'; } document.body.setAttribute('data-live', 'on'); };
    events.onerror = function () { if (status) { status.textContent = 'Live updates reconnecting'; } };
    document.addEventListener('focusout', function () { if (again && !inFlight) { again = false; refresh(); } });
  }

  // A file's bytes as base64: the server decodes them exactly as `etcdmp plan <dir>` reads the file (a Latin-1
  // file read as text here would reach it with U+FFFD in place of its bytes).
  function base64(buffer) {
    var bytes = new Uint8Array(buffer);
    var parts = [];
    for (var i = 0; i < bytes.length; i += 0x8000) {
      parts.push(String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000)));
    }
    return btoa(parts.join(''));
  }

  var upload = document.getElementById('upload');
  if (upload) {
    upload.addEventListener('submit', function (e) {
      e.preventDefault();
      var csrf = upload.getAttribute('data-csrf');
      var prune = document.getElementById('prune').checked ? '?prune=1' : '';
      var zip = document.getElementById('zip').files[0];
      var folder = document.getElementById('folder').files;
      var send;
      if (zip) {
        send = Promise.resolve({ type: 'application/zip', body: zip });
      } else {
        send = Promise.all(Array.prototype.map.call(folder, function (f) {
          var path = (f.webkitRelativePath || f.name).split('/').slice(1).join('/'); // below the folder chosen
          return f.arrayBuffer().then(function (b) { return { path: path, data: base64(b) }; }); // bytes, not text
        })).then(function (files) { return { type: 'application/json', body: JSON.stringify({ files: files }) }; });
      }
      send.then(function (s) {
        return fetch('/upload' + prune, { method: 'POST', headers: { 'Content-Type': s.type, 'X-CSRF-Token': csrf },
          body: s.body, credentials: 'same-origin' });
      }).then(function (r) {
        if (r.redirected) { location.href = r.url; return; }
        return r.text().then(function (html) {
          var doc = new DOMParser().parseFromString(html, 'text/html');
          var part = doc.getElementById('live');
          live.replaceChildren.apply(live, Array.prototype.slice.call(part ? part.childNodes : []));
        });
      }).catch(function (err) { if (status) { status.textContent = 'Upload failed: ' + err.message; } });
    });
  }
})();
