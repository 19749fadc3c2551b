/**
 * The script of the e-mailed account-link pages: it reads uidb64 and token from the page's own
 * address and posts them to the API as JSON, so the link in the e-mail works in a browser. Nothing
 * of the address is written into the page as HTML (textContent only).
 */
export const ACCOUNT_LINKS_SCRIPT = `'use strict';
(function () {
  var params = new URLSearchParams(location.search);
  var form = document.getElementById('link-form');
  var result = document.getElementById('result');
  if (!form) return;
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var body = { uidb64: params.get('uidb64') || '', token: params.get('token') || '' };
    var fields = form.querySelectorAll('input[type=password]');
    for (var i = 0; i < fields.length; i++) body[fields[i].name] = fields[i].value;
    result.textContent = 'Sending…';
    fetch(form.getAttribute('data-endpoint'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (response) {
        if (response.ok) { result.textContent = form.getAttribute('data-done'); form.hidden = true; return; }
        return response.json().then(function (answer) {
          var errors = (answer && answer.errors) || {};
          var lines = [];
          Object.keys(errors).forEach(function (key) { lines.push(key + ': ' + [].concat(errors[key]).join(' ')); });
          result.textContent = lines.join('\\n') || ('Refused (' + response.status + ').');
        });
      })
      .catch(function () { result.textContent = 'The server could not be reached.'; });
  });
})();
`;
