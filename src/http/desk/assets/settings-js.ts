/**
 * A Copy button beside a newly created API key. Without the script the key is still there to
 * select; with it, one click copies it, which matters because the key is shown only once.
 */
export const SETTINGS_JS = `
(function () {
  var input = document.querySelector('.new-key input[readonly]');
  if (!input || !navigator.clipboard) return;
  var button = document.createElement('button');
  button.type = 'button';
  button.className = 'secondary';
  button.textContent = 'Copy key';
  button.addEventListener('click', function () {
    navigator.clipboard.writeText(input.value).then(function () { button.textContent = 'Copied'; }, function () { input.select(); });
  });
  input.insertAdjacentElement('afterend', button);
})();
`;
