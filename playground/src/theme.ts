// Light, dark or the system's choice, kept in localStorage; the components' styles.css reads `data-oai-theme`.
export type Theme = 'system' | 'light' | 'dark'

const key = 'oai-runs-playground:theme'

export function storedTheme(): Theme {
  try {
    const value = localStorage.getItem(key)
    return value === 'light' || value === 'dark' ? value : 'system'
  } catch {
    return 'system'
  }
}

export function applyTheme(theme: Theme): void {
  const root = document.documentElement
  if (theme === 'system') {
    delete root.dataset.oaiTheme
  } else {
    root.dataset.oaiTheme = theme
  }
  try {
    if (theme === 'system') {
      localStorage.removeItem(key)
    } else {
      localStorage.setItem(key, theme)
    }
  } catch {
    // storage blocked: the choice lasts for this page only
  }
}
