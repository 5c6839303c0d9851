// shaibang lobby board: rotates the server-rendered slides, swaps in new content only after a
// successful fetch, shows a small notice while the server is unreachable and retries with
// backoff. One rotation timer, one clock timer, one key listener: nothing accumulates.
(function () {
  'use strict';
  // A unit's name is never broken or cut: where it is wider than its place it is set smaller
  // (to 70 % at most), on the slide or reveal step now shown.
  function fitNames(scope) {
    if (!scope) { return; }
    var els = scope.querySelectorAll('.lb-board td.c-unit, .cols li .u');
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      el.style.fontSize = '';
      if (!el.clientWidth || el.scrollWidth <= el.clientWidth + 1) { continue; }
      var size = parseFloat(getComputedStyle(el).fontSize);
      el.style.fontSize = Math.max(size * 0.7, size * el.clientWidth / el.scrollWidth * 0.98) + 'px';
    }
  }
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
    fitNames(slides[index]);
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
    fitNames(slides[0]);
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
  fitNames(slides[index]);
  window.addEventListener('resize', function () { fitNames(slides[index]); });
  schedule();
  refresh();

  // Reveal (揭榜): group after group, each opened by a title card, rows appear from the last
  // rank up to the first; units tied on a rank appear together. A 黑榜 or 红榜 place gets a
  // moment over the board, first place the whole screen for longer; the 红榜·黑榜 of every
  // group close it.
  // Operator hints show only while H is held; Enter after the last step publishes a
  // rehearsed draft (administrators only: the form is on the page only for them).
  function revealMode(box) {
    var perPage = parseInt(box.getAttribute('data-per-page'), 10) || 20;
    var sections = Array.prototype.slice.call(box.querySelectorAll('.reveal-section'));
    var count = document.getElementById('reveal-count');
    var operator = document.getElementById('operator');
    var nextText = document.getElementById('operator-next');
    var moment = document.getElementById('moment');
    var publish = document.getElementById('publish-form');
    var recap = box.querySelector('.reveal-recap');
    // The steps: for each section, an opening step (its title card), then one step per rank
    // from the bottom, all rows of that rank at once; then the recap.
    var steps = [];
    sections.forEach(function (sec, si) {
      var rows = Array.prototype.slice.call(sec.querySelectorAll('tbody tr'));
      steps.push({ section: si, upTo: rows.length });
      var i = rows.length - 1;
      while (i >= 0) {
        var rank = rows[i].getAttribute('data-rank');
        var j = i;
        while (j > 0 && rows[j - 1].getAttribute('data-rank') === rank && rank !== '—') { j--; }
        steps.push({ section: si, upTo: j });
        i = j - 1;
      }
    });
    if (recap) { steps.push({ recap: true }); }
    var at = 0;
    function describe(step) {
      if (!step) { return publish ? '已全部揭晓：按 Enter 正式揭榜' : '已全部揭晓'; }
      if (step.recap) { return '下一步：红榜·黑榜总览'; }
      var sec = sections[step.section];
      var rows = sec.querySelectorAll('tbody tr');
      if (step.upTo === rows.length) { return '下一步：' + sec.querySelector('.slide-title').textContent; }
      var r = rows[step.upTo];
      return '下一步：第' + r.getAttribute('data-rank') + '名 ' + r.getAttribute('data-unit');
    }
    function render(flash) {
      var step = steps[at];
      sections.forEach(function (sec, si) { sec.hidden = !step || step.recap || si !== step.section; });
      if (recap) { recap.hidden = !(step && step.recap); }
      if (step && step.recap) {
        count.textContent = '红榜 · 黑榜';
        showMoment([]);
      } else if (step) {
        sections[step.section].classList.toggle('opening', step.upTo === sec_rows(step.section).length);
        var rows = sec_rows(step.section);
        var first = step.upTo;
        var top = Math.max(0, Math.min(first, rows.length - perPage));
        for (var i = 0; i < rows.length; i++) {
          rows[i].classList.toggle('hidden-row', i < first);
          rows[i].classList.toggle('off-page', i < top || i >= top + perPage);
          rows[i].classList.toggle('just-revealed', flash && i >= first && (i === first || rows[i].getAttribute('data-rank') === rows[first].getAttribute('data-rank')));
        }
        var revealed = rows.length - first;
        count.textContent = (sections.length > 1 ? (step.section + 1) + ' / ' + sections.length + ' 组 · ' : '') + '已揭晓 ' + revealed + ' / ' + rows.length;
        var same = [];
        for (var k = first; k < rows.length && rows[k].getAttribute('data-rank') === rows[first].getAttribute('data-rank'); k++) { same.push(rows[k]); }
        showMoment(flash ? same : []);
      }
      nextText.textContent = describe(steps[at + 1]);
      fitNames(step && step.recap ? recap : step ? sections[step.section] : null);
    }
    function sec_rows(si) { return sections[si].querySelectorAll('tbody tr'); }
    var momentTimer = null;
    // The units just revealed (one rank): first place fills the screen for 6 s with the
    // name and total; a 红榜 or 黑榜 place shows over the board for 2.5 s.
    function showMoment(rows) {
      clearTimeout(momentTimer);
      moment.hidden = true;
      moment.replaceChildren();
      if (!rows.length) { return; }
      var row = rows[0];
      var tier = row.getAttribute('data-tier');
      var rank = row.getAttribute('data-rank');
      var names = rows.map(function (r) { return r.getAttribute('data-unit'); });
      var line = function (cls, text) {
        var d = document.createElement('div');
        d.className = cls;
        d.textContent = text;
        moment.appendChild(d);
      };
      if (rank === '1') {
        line('m-kicker', rows.length > 1 ? '并列第一名' : '第一名');
        names.forEach(function (n) { line('m-unit', n); });
        line('m-total', row.getAttribute('data-total') + ' 分');
        moment.className = 'moment moment-first';
      } else if (tier === 'red' || tier === 'black') {
        line('m-line', (tier === 'red' ? '红榜' : '黑榜') + ' · ' + names.join('、'));
        moment.className = 'moment moment-' + tier;
      } else {
        return;
      }
      moment.hidden = false;
      momentTimer = setTimeout(function () { moment.hidden = true; }, rank === '1' ? 6000 : 2500);
    }
    document.addEventListener('keydown', function (e) {
      var k = e.key;
      if (k === 'h' || k === 'H') { operator.hidden = false; }
      else if (k === 'ArrowRight' || k === 'PageDown' || k === ' ' || k === 'ArrowDown') { at = Math.min(steps.length - 1, at + 1); render(true); }
      else if (k === 'ArrowLeft' || k === 'PageUp' || k === 'ArrowUp') { at = Math.max(0, at - 1); render(false); }
      else if (k === 'Enter' && publish && at === steps.length - 1) { publish.submit(); }
      else { return; }
      e.preventDefault();
    });
    document.addEventListener('keyup', function (e) {
      if (e.key === 'h' || e.key === 'H') { operator.hidden = true; }
    });
    render(false);
  }
})();
