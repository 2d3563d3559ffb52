/**
 * The import form's upload progress. The form posts without script; with it, the same form data
 * goes by XMLHttpRequest (fetch reports no upload progress), a <progress> follows the bytes sent,
 * and the server's answer page replaces this one, as the plain post would have.
 */
export const SUBSCRIBERS_JS = `
(function () {
  var form = document.querySelector('form[data-import-form]');
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var bar = form.querySelector('[data-import-progress]');
  var status = form.querySelector('[data-import-status]');
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var button = form.querySelector('button');
    if (button) button.disabled = true;
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      bar.hidden = false;
      bar.value = Math.round((e.loaded / e.total) * 100);
      status.textContent = e.loaded < e.total ? 'Uploading: ' + bar.value + '%' : 'Uploaded; importing...';
    };
    xhr.onload = function () {
      document.open();
      document.write(xhr.responseText);
      document.close();
    };
    xhr.onerror = function () {
      if (button) button.disabled = false;
      bar.hidden = true;
      status.textContent = 'The upload failed; check the connection and try again.';
    };
    status.textContent = 'Uploading...';
    xhr.send(new FormData(form));
  });
})();
`;
