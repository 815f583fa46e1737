import { matchPath, NavLink } from "react-router-dom";

export interface Tab {
  to: string;
  label: string;
  /** Active only on exactly this path (the section's first tab), not on the paths below it. */
  end: boolean;
}

/** The tab row of a page whose sections are routes. */
export function TabNav({ label, tabs }: { label: string; tabs: readonly Tab[] }) {
  return (
    <nav className="tabs" aria-label={label}>
      {tabs.map((tab) => (
        <NavLink key={tab.to} to={tab.to} end={tab.end}>
          {tab.label}
        </NavLink>
      ))}
    </nav>
  );
}

/** The label of the tab below the first that `pathname` is on, for the page title; undefined on the first. */
export function subTabLabel(tabs: readonly Tab[], pathname: string): string | undefined {
  return tabs.find((tab) => !tab.end && matchPath({ path: tab.to, end: false }, pathname))?.label;
}
