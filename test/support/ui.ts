/**
 * Driving the UI Kit page in Node: find elements by test id in the ForgeDoc and act on them through the
 * real handlers the page registered, as the product does when an administrator types, picks or clicks.
 */
import { installFakeBridge, type FakeBridge } from '../../local/host/fake-bridge';
import { byTestId, findAll, textOf, type ForgeDoc } from '../../local/host/forge-doc';
import type { LocalSite, LocalSiteOptions } from '../../local/local-site';
import { startTestSite } from './site';

export interface UiPage {
  site: LocalSite;
  bridge: FakeBridge;
  page: UiDriver;
  /** Closes the bridge, then the site. */
  close(): Promise<void>;
}

/** Starts a test site and renders the app's UI Kit page in Node through a fake bridge, signed in as `accountId`. */
export async function openUiPage(accountId: string, options?: LocalSiteOptions): Promise<UiPage> {
  const site = await startTestSite(options);
  const bridge = installFakeBridge(site.host, accountId);
  // The page renders when its module loads, as in Forge's iframe: the bridge has to be there first.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../../src/frontend/index');
  const close = async () => {
    await bridge.close();
    await site.close();
  };
  return { site, bridge, page: ui(bridge), close };
}

export type UiDriver = ReturnType<typeof ui>;

export function ui(bridge: FakeBridge) {
  const one = (testId: string) => bridge.waitFor((doc) => findAll(doc, byTestId(testId))[0]);
  const settle = () => new Promise((r) => setTimeout(r, 350));
  return {
    one,
    /** Waits for the element, then for `predicate` on its text. */
    async text(testId: string, predicate: (t: string) => boolean = () => true): Promise<string> {
      return bridge.waitFor((doc) => {
        const node = findAll(doc, byTestId(testId))[0];
        const t = node ? textOf(node) : undefined;
        return t !== undefined && predicate(t) ? t : undefined;
      });
    },
    async type(testId: string, value: string) {
      await bridge.fire(await one(testId), 'onChange', { target: { value } });
      await settle();
    },
    async click(testId: string) {
      const node = await bridge.waitFor(
        (doc) => findAll(doc, (n) => n.props.testId === testId && n.props.isDisabled !== true)[0],
      );
      await bridge.fire(node, 'onClick');
    },
    async pick(testId: string, option: { label: string; value: string } | null) {
      await bridge.fire(await one(testId), 'onChange', option);
    },
    async check(testId: string, checked: boolean) {
      await bridge.fire(await one(testId), 'onChange', { target: { checked } });
    },
    async tab(index: number) {
      const tabs = await bridge.waitFor((doc) => findAll(doc, (n) => n.type === 'Tabs')[0]);
      await bridge.fire(tabs, 'onChange', index);
    },
    /** Options a Select currently offers. */
    async options(testId: string, predicate: (o: Array<{ label: string; value: string }>) => boolean) {
      return bridge.waitFor((doc) => {
        const sel = findAll(doc, byTestId(testId))[0];
        const opts = (sel?.props.options ?? []) as Array<{ label: string; value: string }>;
        return predicate(opts) ? opts : undefined;
      });
    },
    rowsOf(table: ForgeDoc): string[] {
      const rows = table.children.find((c) => c.type === 'ContentWrapper' && c.props.name === 'rows');
      return (rows?.children ?? []).map(textOf);
    },
  };
}
