import { appendTo } from '../collections';
import type { InstanceRecord } from '../../protocol/records';
import { defineRule, show } from './rule';

export default defineRule({
  id: 'multiple-instances',
  severity: 'warning',
  title: 'Several analytics instances share the identity',
  why: 'Two analytics.js instances on one page (two write keys, or the snippet and an npm build) read and write the same ajs_* cookies and localStorage: each can overwrite the other\'s userId and anonymousId, and events are often sent twice.',
  fix: 'Load analytics.js once per page and share that instance; a second source belongs in a destination, not in a second instance.',
  fixCode: "// one module that every part of the app imports:\nexport const analytics = AnalyticsBrowser.load({ writeKey: 'WRITE_KEY' });",
  guide: { title: 'ID expiration and overwriting', anchor: 'id-expiration-and-overwriting' },
  example: { scenario: 'a page with the snippet also bundles AnalyticsBrowser from npm', message: '2 analytics instances on this page share the identity keys (writeKeys "web", "web")' },
  create: () => {
    const byDocument = new Map<string, InstanceRecord[]>();
    return {
      onRecord(record, context) {
        if (record.kind !== 'instance' || (record.instance.shape !== 'analytics-next' && record.instance.shape !== 'classic')) return;
        const document = context.documentOf(record);
        if (!document) return;
        const instances = appendTo(byDocument, document.id, record);
        if (instances.length !== 2) return;
        context.report({
          anchor: record.id,
          message: `${instances.length} analytics instances on this page share the identity keys (writeKeys ${instances.map((i) => show(i.instance.writeKey)).join(', ')})`,
          recordIds: instances.map((i) => i.id),
          at: record.at,
          scope: document.scope,
        });
      },
    };
  },
});
