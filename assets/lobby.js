// shaibang lobby board: rotates the server-rendered slides, swaps in new content only after a
// successful fetch, shows a small notice while the server is unreachable and retries with
// backoff. One rotation timer, one clock timer, one key listener: nothing accumulates.
(function () {
  'use strict';
  var reveal = document.getElementById('reveal');
  if (reveal) { return revealMode(reveal); }
  var root = document.getElementById('lobby');
  if (!root) { return; }
  var slidesBox = document.getElementById('slides');
  var pager = document.getElementById('pager');
  var stale = document.getElementById('stale');
  var pausedBadge = document.getElementById('paused');
  var asof = document.getElementById('asof');
  var clock = document.getElementById('clock');
  var contentUrl = root.getAttribute('data-content-url');
  var version = root.getAttribute('data-version');
  var slides = slidesBox.querySelectorAll('.slide');
  var index = 0;
  var paused = false;
  var timer = 0;
  var retryTimer = 0;
  var failures = 0;
  var pending = null;
  var inFlight = false;

  for (var i = 0; i < slides.length; i++) { if (slides[i].classList.contains('current')) { index = i; } }

  function seconds(el) { return Math.max(1, parseInt(el.getAttribute('data-seconds'), 10) || 15); }

  function show(i) {
    slides[index].classList.remove('current');
    index = (i + slides.length) % slides.length;
    slides[index].classList.add('current');
    pager.textContent = (index + 1) + ' / ' + slides.length;
    schedule();
  }

  function schedule() {
    clearTimeout(timer);
    if (!paused) { timer = setTimeout(advance, seconds(slides[index]) * 1000); }
  }

  // At the end of a rotation: apply new content if a fetch brought some, then fetch again.
  function advance() {
    if (index + 1 >= slides.length) {
      if (pending) { swap(pending); pending = null; return; }
      refresh();
    }
    show(index + 1);
  }

  function swap(data) {
    var tpl = document.createElement('template');
    tpl.innerHTML = data.html;
    slidesBox.replaceChildren(tpl.content);
    slides = slidesBox.querySelectorAll('.slide');
    version = String(data.version);
    root.setAttribute('data-version', version);
    asof.textContent = data.as_of;
    index = 0;
    for (var i = 0; i < slides.length; i++) { slides[i].classList.toggle('current', i === 0); }
    pager.textContent = '1 / ' + slides.length;
    schedule();
  }

  function refresh() {
    clearTimeout(retryTimer);
    if (inFlight) { return; } // one request at a time, however slow the network
    inFlight = true;
    var ctrl = typeof AbortController === 'function' ? new AbortController() : null;
    var abort = setTimeout(function () { if (ctrl) { ctrl.abort(); } }, 10000);
    fetch(contentUrl, { cache: 'no-store', signal: ctrl ? ctrl.signal : undefined })
      .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
      .then(function (data) {
        clearTimeout(abort);
        inFlight = false;
        failures = 0;
        stale.hidden = true;
        if (String(data.version) !== version) { pending = data; }
      })
      .catch(function () {
        clearTimeout(abort);
        inFlight = false;
        failures += 1;
        stale.textContent = '⚠ 与服务器连接中断：显示的是' + asof.textContent + '的数据，正在自动重试';
        stale.hidden = false;
        // Back off: 2 s, 4 s, 8 s … at most 60 s between attempts.
        retryTimer = setTimeout(refresh, Math.min(60000, 1000 * Math.pow(2, failures)));
      });
  }

  function tick() {
    var d = new Date();
    clock.textContent = (d.getHours() < 10 ? '0' : '') + d.getHours() + ':' + (d.getMinutes() < 10 ? '0' : '') + d.getMinutes();
  }

  document.addEventListener('keydown', function (e) {
    var k = e.key;
    if (k === 'ArrowRight' || k === 'PageDown') { show(index + 1); }
    else if (k === 'ArrowLeft' || k === 'PageUp') { show(index - 1); }
    else if (k === ' ' || k === 'p' || k === 'P' || k === 'Pause' || k === 'MediaPlayPause') {
      paused = !paused;
      pausedBadge.hidden = !paused;
      schedule();
    } else { return; }
    e.preventDefault();
  });

  tick();
  setInterval(tick, 1000);
  schedule();
  refresh();

  // Reveal (揭榜): rows appear one by one from the last rank up to the first.
  function revealMode(box) {
    var rows = box.querySelectorAll('tbody tr');
    var perPage = parseInt(box.getAttribute('data-per-page'), 10) || 20;
    var count = document.getElementById('reveal-count');
    var shown = 0;
    function render(flash) {
      var first = rows.length - shown; // index of the best revealed row
      var top = Math.max(0, Math.min(first, rows.length - perPage));
      if (shown === 0) { top = Math.max(0, rows.length - perPage); }
      for (var i = 0; i < rows.length; i++) {
        rows[i].classList.toggle('hidden-row', i < first);
        rows[i].classList.toggle('off-page', i < top || i >= top + perPage);
        rows[i].classList.toggle('just-revealed', flash && i === first);
      }
      count.textContent = '已揭晓 ' + shown + ' / ' + rows.length;
    }
    document.addEventListener('keydown', function (e) {
      var k = e.key;
      if (k === 'ArrowRight' || k === 'PageDown' || k === ' ' || k === 'ArrowDown') { shown = Math.min(rows.length, shown + 1); render(true); }
      else if (k === 'ArrowLeft' || k === 'PageUp' || k === 'ArrowUp') { shown = Math.max(0, shown - 1); render(false); }
      else { return; }
      e.preventDefault();
    });
    render(false);
  }
})();
