/**
 * Puts text on the clipboard from a button press. UI Kit has no download or clipboard component, so this
 * uses the browser's Clipboard API where the app's frame may write to it (Forge's frames allow
 * `clipboard-write`: developer.atlassian.com/platform/forge/custom-ui/iframe). It answers false when the
 * browser refuses (no focus, no permission, no API); callers then show the text to copy by hand.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    const clipboard = (globalThis as { navigator?: { clipboard?: { writeText(t: string): Promise<void> } } }).navigator
      ?.clipboard;
    if (!clipboard) return false;
    await clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
