import browser from 'webextension-polyfill';

// Registers the "Identity" panel; the panel page does the rest.
void browser.devtools.panels.create('Identity', '', '/devtools-panel.html');
