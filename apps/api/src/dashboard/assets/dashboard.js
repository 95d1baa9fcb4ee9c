/* global document, window, navigator, setTimeout, Element, HTMLFormElement */
// Herald dashboard: progressive enhancement only (every page works without it). Loaded from
// /dashboard/assets under CSP script-src 'self'; no inline script anywhere.
(function () {
  'use strict';

  // Copy buttons: copy the value next to them (DNS records, ids).
  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('button[data-copy]') : null;
    if (!button) return;
    var value = button.getAttribute('data-copy') || '';
    var done = function () { button.textContent = 'Copied'; setTimeout(function () { button.textContent = 'Copy'; }, 1500); };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(value).then(done, function () {});
    else { var area = document.createElement('textarea'); area.value = value; document.body.appendChild(area); area.select(); try { document.execCommand('copy'); done(); } catch { /* nothing */ } area.remove(); }
  });

  // Forms that ask before they act (revoke, remove, rotate).
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form instanceof HTMLFormElement ? form.getAttribute('data-confirm') : null;
    if (question && !window.confirm(question)) event.preventDefault();
  });

  // Pages that follow something still moving (a message not yet delivered) reload themselves.
  var refresh = document.querySelector('[data-refresh]');
  if (refresh) {
    var seconds = Number(refresh.getAttribute('data-refresh')) || 5;
    setTimeout(function () { if (!document.querySelector('form :focus')) window.location.reload(); }, seconds * 1000);
  }

  // Charts: each canvas carries its data as JSON; Chart.js (served from its package) draws it.
  var colours = { accepted: '#0b57d0', delivered: '#13652f', bounced: '#a4161a', complained: '#7a4b00' };
  document.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
    if (typeof window.Chart !== 'function') return;
    var data = JSON.parse(canvas.getAttribute('data-chart') || '{}');
    new window.Chart(canvas, {
      type: 'line',
      data: {
        labels: data.labels,
        datasets: Object.keys(data.series || {}).map(function (name) {
          return { label: name, data: data.series[name], borderColor: colours[name], backgroundColor: colours[name], tension: 0.2 };
        }),
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  });
})();
