package cluster

import (
	"fmt"
	"io"

	"sigs.k8s.io/kind/pkg/log"
)

// kindLogger writes kind's user-facing messages (V(0)) to a writer.
type kindLogger struct{ w io.Writer }

func (l kindLogger) Warn(m string)                    { fmt.Fprintln(l.w, "WARNING:", m) }
func (l kindLogger) Warnf(f string, a ...any)         { l.Warn(fmt.Sprintf(f, a...)) }
func (l kindLogger) Error(m string)                   { fmt.Fprintln(l.w, "ERROR:", m) }
func (l kindLogger) Errorf(f string, a ...any)        { l.Error(fmt.Sprintf(f, a...)) }
func (l kindLogger) V(level log.Level) log.InfoLogger { return infoLogger{l.w, level == 0} }

type infoLogger struct {
	w       io.Writer
	enabled bool
}

func (l infoLogger) Info(m string) {
	if l.enabled {
		fmt.Fprintln(l.w, m)
	}
}
func (l infoLogger) Infof(f string, a ...any) { l.Info(fmt.Sprintf(f, a...)) }
func (l infoLogger) Enabled() bool            { return l.enabled }
