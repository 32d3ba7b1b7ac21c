/**
 * Where each Chromium-family browser reads machine policy: Linux JSON folder, macOS preference
 * domain (an MDM payload type), Windows registry key. Same policy names in all three.
 */
export const POLICY_BROWSERS = {
  chrome: {
    name: 'Google Chrome',
    linuxDir: '/etc/opt/chrome/policies/managed',
    macDomain: 'com.google.Chrome',
    windowsKey: 'SOFTWARE\\Policies\\Google\\Chrome',
  },
  chromium: {
    name: 'Chromium',
    linuxDir: '/etc/chromium/policies/managed',
    macDomain: 'org.chromium.Chromium',
    windowsKey: 'SOFTWARE\\Policies\\Chromium',
  },
  edge: {
    name: 'Microsoft Edge',
    linuxDir: '/etc/opt/edge/policies/managed',
    macDomain: 'com.microsoft.Edge',
    windowsKey: 'SOFTWARE\\Policies\\Microsoft\\Edge',
  },
} as const;

export type PolicyBrowser = keyof typeof POLICY_BROWSERS;
