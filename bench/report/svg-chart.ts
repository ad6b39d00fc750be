/**
 * The fan-out chart: time to the last frame against N connections, one line per variant, on
 * log-log axes (N spans 10 to 5,000 and the times several decades). Plain SVG, no library.
 */
import { fanoutVariants, type FanoutRow, type FanoutVariant } from "./results.ts";

const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = { top: 40, right: 170, bottom: 50, left: 70 };
const COLORS: Record<FanoutVariant, string> = {
  project: "#d62728",
  sequential: "#7f7f7f",
  unbounded: "#ff7f0e",
  transport: "#1f77b4",
  ceiling: "#2ca02c",
};
const LABELS: Record<FanoutVariant, string> = {
  project: "live-likes stream handler",
  sequential: "sequential for…await",
  unbounded: "scan + Promise.all",
  transport: "transport floor",
  ceiling: "raw ws.send ceiling",
};

export function fanoutSvg(rows: readonly FanoutRow[], title = "Fan-out: one like to N connections"): string {
  const points = rows.flatMap((row) => fanoutVariants.map((v) => row[`${v}_ms`]).filter((ms): ms is number => ms !== null && ms > 0));
  const ns = rows.map((row) => row.connections);
  const xDomain = decades(Math.min(...ns, 10), Math.max(...ns, 10));
  const yDomain = decades(Math.min(...points, 1), Math.max(...points, 10));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (n: number) => MARGIN.left + (plotW * (Math.log10(n) - xDomain[0])) / (xDomain[1] - xDomain[0]);
  const y = (ms: number) => MARGIN.top + plotH - (plotH * (Math.log10(ms) - yDomain[0])) / (yDomain[1] - yDomain[0]);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
  );
  parts.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`);
  parts.push(`<text x="${MARGIN.left}" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>`);
  for (let e = yDomain[0]; e <= yDomain[1]; e++) {
    const yy = y(10 ** e).toFixed(1);
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${yy}" y2="${yy}" stroke="#ddd"/>`);
    parts.push(`<text x="${MARGIN.left - 8}" y="${yy}" text-anchor="end" dominant-baseline="middle">${formatMs(10 ** e)}</text>`);
  }
  for (const n of ns) {
    const xx = x(n).toFixed(1);
    parts.push(`<line x1="${xx}" x2="${xx}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#eee"/>`);
    parts.push(`<text x="${xx}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${n.toLocaleString("en-US")}</text>`);
  }
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">connections (log)</text>`);
  parts.push(`<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">time to last frame (log)</text>`);
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
  fanoutVariants.forEach((variant, index) => {
    const series = rows.flatMap((row) => {
      const ms = row[`${variant}_ms`];
      return ms !== null && ms > 0 ? [[x(row.connections), y(ms)] as const] : [];
    });
    if (series.length > 0) {
      const path = series.map(([px, py], i) => `${i === 0 ? "M" : "L"}${px.toFixed(1)} ${py.toFixed(1)}`).join(" ");
      const width = variant === "project" ? 3 : 2;
      parts.push(`<path d="${path}" fill="none" stroke="${COLORS[variant]}" stroke-width="${width}"/>`);
      for (const [px, py] of series) parts.push(`<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3" fill="${COLORS[variant]}"/>`);
    }
    const ly = MARGIN.top + 10 + index * 20;
    const lx = MARGIN.left + plotW + 14;
    parts.push(`<line x1="${lx}" x2="${lx + 18}" y1="${ly}" y2="${ly}" stroke="${COLORS[variant]}" stroke-width="3"/>`);
    parts.push(`<text x="${lx + 24}" y="${ly}" dominant-baseline="middle">${escapeXml(LABELS[variant])}</text>`);
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

/** Whole powers of ten enclosing [min, max], as exponents. */
function decades(min: number, max: number): [number, number] {
  const low = Math.floor(Math.log10(min));
  const high = Math.ceil(Math.log10(max));
  return [low, high > low ? high : low + 1];
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
