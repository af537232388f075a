package access

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// countedChannels are the names Requests counts under, in report order.
var countedChannels = []string{"client-go", "http", "review"}

// SaveCounts writes this process's request counts into dir, one file per
// parallel process, for SumCounts to add up.
func (c *Checker) SaveCounts(dir string, process int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var b strings.Builder
	for _, ch := range countedChannels {
		fmt.Fprintf(&b, "%s %d\n", ch, c.Requests[ch].Load())
	}
	return os.WriteFile(filepath.Join(dir, fmt.Sprintf("process-%d", process)), []byte(b.String()), 0o644)
}

// SumCounts adds up what every process saved, as "client-go N, http N, review N".
func SumCounts(dir string) (string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "process-*"))
	if err != nil || len(files) == 0 {
		return "", fmt.Errorf("no request counts in %s", dir)
	}
	sum := map[string]int64{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
			name, n, ok := strings.Cut(line, " ")
			v, err := strconv.ParseInt(n, 10, 64)
			if !ok || err != nil {
				return "", fmt.Errorf("%s: bad line %q", f, line)
			}
			sum[name] += v
		}
	}
	parts := make([]string, 0, len(countedChannels))
	for _, ch := range countedChannels {
		parts = append(parts, fmt.Sprintf("%s %d", ch, sum[ch]))
	}
	return strings.Join(parts, ", "), nil
}
