/**
 * The editor's live preview: a draft saves itself (~800 ms after the last keystroke, one save
 * at a time) and its preview frames reload to show it. Without script, "Save draft" does the same.
 */
export const POSTS_JS = `
(function () {
  var form = document.querySelector('form[data-autosave]');
  if (!form || !window.fetch || !window.URLSearchParams) return;
  var status = form.querySelector('[data-autosave-status]');
  var frames = document.querySelectorAll('iframe[data-preview]');
  var timer = null, saving = false, again = false;
  function say(text) { if (status) status.textContent = text; }
  function reloadPreviews() {
    for (var i = 0; i < frames.length; i++) frames[i].setAttribute('src', frames[i].getAttribute('src'));
  }
  function save() {
    if (saving) { again = true; return; }
    saving = true;
    say('Saving…');
    fetch(form.action, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-Desk-Autosave': '1' },
      body: new URLSearchParams(new FormData(form))
    }).then(function (res) {
      if (res.ok) { say('Draft saved.'); reloadPreviews(); return; }
      return res.text().then(function (text) { say('Not saved: ' + text.slice(0, 300)); });
    }, function () {
      say('Not saved: the desk cannot be reached.');
    }).then(function () {
      saving = false;
      if (again) { again = false; save(); }
    });
  }
  form.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(save, 800);
  });
})();
`;
