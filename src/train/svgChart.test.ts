import { describe, expect, it } from 'vitest';
import { svgChart } from './svgChart';

describe('svgChart', () => {
  it('draws one path per line series, a marker per point and escapes text', () => {
    const svg = svgChart([
      {
        title: 'loss <by> "epoch"',
        xLabel: 'epoch',
        yLabel: 'loss',
        series: [
          {
            name: 'a & b',
            kind: 'line',
            points: [
              [1, 3],
              [2, 2],
              [3, 1.5],
            ],
          },
          { name: 'c', kind: 'points', points: [[2, 2.5]] },
        ],
        references: [{ name: 'ref', y: 1 }],
      },
    ]);
    expect(svg.match(/<path /g)).toHaveLength(1);
    // Three on the line, one point, and the point series' legend marker.
    expect(svg.match(/<circle /g)).toHaveLength(5);
    expect(svg).toContain('loss &#60;by&#62; &#34;epoch&#34;');
    expect(svg).toContain('a &#38; b');
    expect(svg).not.toContain('<by>');
    expect(svg).toContain('stroke-dasharray');
  });

  it('ticks a log axis at 1, 2, 5 per decade and rings markers that coincide', () => {
    const at = (x: number, y: number) => [[x, y]] as [number, number][];
    const svg = svgChart([
      {
        title: 't',
        xLabel: 'bytes',
        yLabel: 'y',
        xLog: true,
        series: [
          { name: 'big', kind: 'points', points: at(5.2e6, 0.04) },
          { name: 'a', kind: 'points', points: at(6.7e5, 0.05) },
          { name: 'b', kind: 'points', points: at(6.7e5, 0.05) },
          { name: 'small', kind: 'points', points: at(6.2e5, 0.03) },
        ],
      },
    ]);
    const tickLabels = [...svg.matchAll(/text-anchor="middle">([^<]+)</g)].map((m) => m[1]);
    expect(tickLabels).toEqual(['1M', '2M', '5M', 'bytes', 'y']);
    const radii = [...svg.matchAll(/<circle cx="[\d.]+" cy="[\d.]+" r="([\d.]+)"/g)].map(
      (m) => +m[1],
    );
    // Per series its marker, then its legend marker; "a" is ringed around "b".
    expect(radii).toEqual([3.5, 3.5, 6, 3.5, 3.5, 3.5, 3.5, 3.5]);
  });

  it('stacks panels and refuses an empty chart', () => {
    const panel = {
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [{ name: 's', kind: 'line' as const, points: [[1, 1]] as [number, number][] }],
    };
    expect(svgChart([panel, panel])).toMatch(/height="600"/);
    expect(() => svgChart([{ ...panel, series: [] }])).toThrow(/no points/);
  });
});
