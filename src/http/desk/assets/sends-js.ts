/**
 * A send's page, live: polls its progress.json every 2 s and updates the counts, the bar and
 * the status, until the send is over. When the status changes, the controls rendered for the
 * old one are hidden in favour of a reload link. Cancel asks before posting. Without this
 * script the page's Refresh link and plain forms do the same.
 */
export const SENDS_JS = `
(function () {
  document.addEventListener('submit', function (e) {
    var question = e.target.getAttribute && e.target.getAttribute('data-confirm');
    if (question && !window.confirm(question)) e.preventDefault();
  });
  var box = document.querySelector('[data-poll]');
  if (!box || !window.fetch) return;
  var FINAL = { done: 1, cancelled: 1, failed: 1 };
  var first = box.getAttribute('data-status');
  if (FINAL[first]) return;
  var set = function (selector, text) {
    var el = box.querySelector(selector);
    if (el && el.textContent !== text) el.textContent = text;
  };
  var show = function (s) {
    ['total', 'sent', 'failed', 'skipped', 'unknown', 'pending'].forEach(function (k) { set('[data-count="' + k + '"]', String(s[k])); });
    set('[data-field="handled"]', String(s.total - s.pending));
    set('[data-field="status"]', s.status);
    var reason = box.querySelector('[data-field="reason"]');
    if (reason) { reason.hidden = !s.reason; reason.textContent = s.reason ? 'Reason: ' + s.reason : ''; }
    var bar = box.querySelector('progress');
    if (bar) { bar.max = Math.max(s.total, 1); bar.value = s.total - s.pending; }
    if (s.status !== first) {
      var controls = document.querySelector('[data-controls]');
      var stale = document.querySelector('[data-stale]');
      if (controls) controls.hidden = true;
      if (stale) stale.hidden = false;
    }
  };
  var tick = function () {
    fetch(box.getAttribute('data-poll'), { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (s) { show(s); if (!FINAL[s.status]) setTimeout(tick, 2000); })
      // A hiccup (a restart, a lost connection): try again, less often.
      .catch(function () { setTimeout(tick, 10000); });
  };
  setTimeout(tick, 2000);
})();
`;
