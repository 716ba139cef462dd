// Live logs on run pages (the only script of the UI; pages work without it).
//
// For each <pre class="log" data-stream="URL" data-offset="N">, where the page already shows the log's complete lines
// up to byte N, opens EventSource(URL?from=N) and appends each line the server sends as a text node (never as HTML),
// keeps the log scrolled to the bottom unless the reader scrolled up, shows a "live" badge while streaming and stops
// on the `end` event. After a dropped connection the browser reconnects by itself with Last-Event-ID (the byte
// offset after the last line received), so no line is lost or shown twice.
//
// For measurements, every line's arrival time (performance.timeOrigin + performance.now(), in ms since the epoch)
// is pushed onto window.terraceLogArrivals (at most 100,000 entries); the pre gets data-state="live", "ended" or
// "stopped".
(function () {
  'use strict';

  var MAX_ARRIVALS = 100000;
  var arrivals = (window.terraceLogArrivals = window.terraceLogArrivals || []);

  function isScrollable(element) {
    return element.scrollHeight > element.clientHeight + 1;
  }

  function scrollToBottom(pre) {
    if (isScrollable(pre)) pre.scrollTop = pre.scrollHeight;
  }

  function follow(pre) {
    var url = pre.getAttribute('data-stream');
    if (!url || typeof window.EventSource !== 'function') return;
    var offset = pre.getAttribute('data-offset') || '0';
    if (!/^[0-9]+$/.test(offset)) offset = '0';
    var source = new EventSource(url + (url.indexOf('?') < 0 ? '?' : '&') + 'from=' + offset);

    var badge = document.createElement('span');
    badge.className = 'live-badge';
    badge.setAttribute('role', 'status');
    badge.textContent = 'live';
    pre.parentNode.insertBefore(badge, pre);
    pre.setAttribute('data-state', 'live');
    pre.setAttribute('aria-busy', 'true');

    // Whether to keep following the end: true until the reader scrolls up, true again once they scroll back down.
    // The log box follows its newest line until the reader scrolls it up, and again once they scroll back down.
    // (The page itself is never scrolled for the reader.)
    if (isScrollable(pre)) pre.scrollTop = pre.scrollHeight;
    var stick = true;
    var onScroll = function () {
      stick = !isScrollable(pre) || pre.scrollHeight - pre.scrollTop - pre.clientHeight < 8;
    };
    pre.addEventListener('scroll', onScroll, { passive: true });

    function stop(state) {
      source.close();
      pre.setAttribute('data-state', state);
      pre.removeAttribute('aria-busy');
      pre.removeEventListener('scroll', onScroll);
      if (badge.parentNode) badge.parentNode.removeChild(badge);
    }

    source.onmessage = function (event) {
      if (arrivals.length < MAX_ARRIVALS) arrivals.push(performance.timeOrigin + performance.now());
      pre.appendChild(document.createTextNode(event.data + '\n'));
      if (stick) scrollToBottom(pre);
    };
    source.addEventListener('end', function () {
      stop('ended');
    });
    source.onopen = function () {
      badge.textContent = 'live';
    };
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED) {
        // The server refused the stream (signed out, run gone): the page still shows what it had.
        stop('stopped');
      } else {
        badge.textContent = 'reconnecting…';
      }
    };
  }

  function start() {
    var logs = document.querySelectorAll('pre.log[data-stream]');
    for (var i = 0; i < logs.length; i++) follow(logs[i]);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
