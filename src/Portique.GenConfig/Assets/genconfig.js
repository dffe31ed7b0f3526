// Portique genconfig: small progressive enhancements, no framework, no build step.
// - family tabs (one panel at a time), remembered in the form for the next render;
// - the display mode filter, live;
// - add/remove rows of multi-valued variables and master/slave tables;
// - repeated families (Conteneur-N) shown/hidden as their count changes, fetched from the server when new;
// - the live log of "Appliquer" through server-sent events.
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  function ready(fn) {
    if (document.readyState !== 'loading') { fn(); } else { document.addEventListener('DOMContentLoaded', fn); }
  }

  // ---- tabs ---------------------------------------------------------------------------------------------------
  function tabs() { return Array.prototype.slice.call(document.querySelectorAll('#tab-list > li.tab')); }

  function showPanel(id, focus) {
    var panel = id && document.getElementById(id);
    if (!panel || panel.hidden) {
      var first = tabs().filter(function (t) { return !t.hidden && getComputedStyle(t).display !== 'none'; })[0];
      if (!first) { return; }
      id = first.getAttribute('data-panel');
      panel = document.getElementById(id);
    }
    tabs().forEach(function (tab) {
      var on = tab.getAttribute('data-panel') === id;
      tab.classList.toggle('active', on);
      var link = tab.querySelector('a');
      if (on) { link.setAttribute('aria-current', 'true'); } else { link.removeAttribute('aria-current'); }
    });
    Array.prototype.forEach.call(document.querySelectorAll('#panels > section.panel'), function (p) {
      p.classList.toggle('active', p.id === id);
    });
    var field = document.getElementById('active-tab');
    if (field) { field.value = id; }
    if (focus) {
      var legend = panel.querySelector('legend');
      var first = panel.querySelector('input:not([type=hidden]), select, button');
      if (first) { first.focus(); } else if (legend) { legend.focus(); }
    }
  }

  function initTabs() {
    var list = document.getElementById('tab-list');
    if (!list) { return; }
    list.addEventListener('click', function (event) {
      var link = event.target.closest('a');
      if (!link) { return; }
      event.preventDefault();
      showPanel(link.closest('li').getAttribute('data-panel'), false);
      history.replaceState(null, '', link.getAttribute('href'));
    });
    // Arrow keys move between tabs, as in a tab list.
    list.addEventListener('keydown', function (event) {
      if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') { return; }
      var visible = tabs().filter(function (t) { return !t.hidden && getComputedStyle(t).display !== 'none'; });
      var index = visible.indexOf(event.target.closest('li'));
      if (index < 0) { return; }
      event.preventDefault();
      var next = visible[(index + (event.key === 'ArrowDown' ? 1 : visible.length - 1)) % visible.length];
      next.querySelector('a').focus();
      showPanel(next.getAttribute('data-panel'), false);
    });
    var initial = (location.hash || '').slice(1);
    var panels = document.getElementById('panels');
    showPanel(document.getElementById(initial) && initial.indexOf('fam-') === 0 ? initial : panels.getAttribute('data-active'), false);

    // Links of the error summary open the right tab, then go to the field.
    document.addEventListener('click', function (event) {
      var link = event.target.closest('a[data-panel]');
      if (!link || link.closest('#tab-list')) { return; }
      event.preventDefault();
      showPanel(link.getAttribute('data-panel'), false);
      var row = document.getElementById(link.getAttribute('href').slice(1));
      if (row) {
        var input = row.querySelector('input:not([type=hidden]), select');
        row.scrollIntoView({ block: 'center' });
        if (input) { input.focus(); }
      }
    });
    var summary = document.getElementById('error-summary');
    if (summary) { summary.focus(); }
  }

  // ---- display mode -------------------------------------------------------------------------------------------
  function initMode() {
    var select = document.getElementById('display-mode');
    if (!select) { return; }
    select.addEventListener('change', function () {
      document.body.classList.remove('mode-basic', 'mode-normal', 'mode-expert');
      document.body.classList.add('mode-' + select.value);
      var active = document.querySelector('#tab-list > li.tab.active');
      if (!active || getComputedStyle(active).display === 'none') { showPanel(null, false); }
    });
  }

  // ---- switches -----------------------------------------------------------------------------------------------
  function initSwitches(root) {
    Array.prototype.forEach.call(root.querySelectorAll('.switch input[type=checkbox]'), function (box) {
      var state = box.parentNode.querySelector('.state');
      box.addEventListener('change', function () {
        if (state) { state.textContent = box.checked ? state.getAttribute('data-on') : state.getAttribute('data-off'); }
      });
    });
  }

  // ---- rows of lists and tables -------------------------------------------------------------------------------
  function container(of) { return of.tagName === 'TABLE' ? of.tBodies[0] : of; }

  function renumber(holder) {
    var rows = Array.prototype.slice.call(container(holder).children);
    rows.forEach(function (row, i) {
      Array.prototype.forEach.call(row.querySelectorAll('[aria-label]'), function (el) {
        var label = el.getAttribute('aria-label');
        el.setAttribute('aria-label', label.replace(/\d+$/, String(i + 1)));
      });
    });
    var note = holder.parentNode.querySelector('.empty-note');
    if (note) { note.hidden = rows.length > 0; }
  }

  function initRows() {
    document.addEventListener('click', function (event) {
      var add = event.target.closest('button[data-add]');
      if (add) {
        var holder = document.getElementById(add.getAttribute('data-add'));
        var template = document.getElementById('tpl-' + add.getAttribute('data-add'));
        if (!holder || !template) { return; }
        var row = template.content.firstElementChild.cloneNode(true);
        container(holder).appendChild(row);
        renumber(holder);
        var input = row.querySelector('input, select');
        if (input) { input.focus(); }
        return;
      }
      var remove = event.target.closest('button[data-remove]');
      if (remove) {
        var item = remove.closest('li, tr');
        var owner = item.closest('ul.items, table.rows');
        var next = item.nextElementSibling || item.previousElementSibling;
        item.parentNode.removeChild(item);
        renumber(owner);
        var target = next ? next.querySelector('input, select') : owner.parentNode.querySelector('button[data-add]');
        if (target) { target.focus(); }
      }
    });
  }

  // ---- repeated families (Conteneur-N) ------------------------------------------------------------------------
  function repeatedTabs(count) {
    return tabs().filter(function (t) { return t.getAttribute('data-repeat') === count; });
  }

  function syncRepeat(input) {
    var name = input.name;
    var n = parseInt(input.value, 10);
    var max = parseInt(input.getAttribute('data-repeat-max') || '500', 10);
    if (isNaN(n) || n < 0 || String(n) !== input.value.trim()) { return; }
    if (n > max) { n = max; }
    var highest = 0;
    repeatedTabs(name).forEach(function (tab) {
      var i = parseInt(tab.getAttribute('data-instance'), 10);
      highest = Math.max(highest, i);
      var panel = document.getElementById(tab.getAttribute('data-panel'));
      tab.hidden = i > n;
      if (panel) { panel.hidden = i > n; }
    });
    if (n > highest) {
      var url = '/config/instances?repeat=' + encodeURIComponent(name) + '&from=' + (highest + 1) + '&to=' + n;
      fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
        .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.text(); })
        .then(function (html) { insertInstances(name, html); syncRepeat(input); })
        .catch(function () { /* the next "Valider" renders them server-side */ });
    }
    var active = document.querySelector('#tab-list > li.tab.active');
    if (!active || active.hidden) { showPanel(null, false); }
  }

  function insertInstances(name, html) {
    var template = document.createElement('template');
    template.innerHTML = html;
    var newTabs = template.content.querySelector('[data-fragment=tabs]');
    var newPanels = template.content.querySelector('[data-fragment=panels]');
    if (!newTabs || !newPanels) { return; }
    var list = document.getElementById('tab-list');
    var panels = document.getElementById('panels');
    Array.prototype.slice.call(newTabs.children).forEach(function (tab) {
      if (document.getElementById(tab.getAttribute('data-panel'))) { return; }
      var existing = repeatedTabs(name);
      var after = existing[existing.length - 1];
      list.insertBefore(tab, after ? after.nextSibling : null);
    });
    Array.prototype.slice.call(newPanels.children).forEach(function (panel) {
      if (document.getElementById(panel.id)) { return; }
      var existing = panels.querySelectorAll('section.panel[data-repeat="' + name + '"]');
      var after = existing[existing.length - 1];
      panels.insertBefore(panel, after ? after.nextSibling : null);
      initSwitches(panel);
    });
  }

  function initRepeats() {
    Array.prototype.forEach.call(document.querySelectorAll('input[data-repeat-count]'), function (input) {
      var timer = null;
      input.addEventListener('input', function () {
        clearTimeout(timer);
        timer = setTimeout(function () { syncRepeat(input); }, 250);
      });
      input.addEventListener('change', function () { clearTimeout(timer); syncRepeat(input); });
    });
  }

  // ---- live apply log -----------------------------------------------------------------------------------------
  function initLog() {
    var log = document.getElementById('run-log');
    if (!log || log.getAttribute('data-complete') === 'true' || !window.EventSource) { return; }
    var seen = parseInt(log.getAttribute('data-seen'), 10) || 0;
    var source = new EventSource('/apply/events?run=' + encodeURIComponent(log.getAttribute('data-run')) + '&after=' + seen);
    function append(html) {
      var template = document.createElement('template');
      template.innerHTML = html;
      log.appendChild(template.content);
      log.scrollTop = log.scrollHeight;
    }
    source.addEventListener('progress', function (event) {
      var id = parseInt(event.lastEventId, 10);
      if (!isNaN(id) && id <= seen) { return; }
      seen = isNaN(id) ? seen : id;
      append(JSON.parse(event.data).html);
    });
    source.addEventListener('outcome', function (event) {
      source.close();
      var data = JSON.parse(event.data);
      var target = document.getElementById('run-outcome');
      var template = document.createElement('template');
      template.innerHTML = data.html;
      target.replaceChildren(template.content);
      log.setAttribute('data-complete', 'true');
      var state = document.getElementById('run-state');
      if (state) { state.parentNode.removeChild(state); }
      var heading = document.getElementById('outcome-heading');
      if (heading) { heading.setAttribute('tabindex', '-1'); heading.focus(); }
    });
  }

  ready(function () {
    initTabs();
    initMode();
    initSwitches(document);
    initRows();
    initRepeats();
    initLog();
  });
})();
