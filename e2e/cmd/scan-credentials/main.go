// Command scan-credentials looks through everything a run wrote (the
// artifacts folder, recursively, ginkgo-output.log and junit.xml included)
// for every token and secret the run minted or read, known by the SHA-256
// hashes each Ginkgo process wrote to ARTIFACTS/.credential-hashes. It
// names the file and line of each one found, never the value, and exits 1.
//
//	go run ./e2e/cmd/scan-credentials -artifacts DIR
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"rbac-e2e/e2e/framework/secrets"
)

// shownLeaks bounds the leaks listed; the count is always given.
const shownLeaks = 50

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("scan-credentials", flag.ContinueOnError)
	fs.SetOutput(stderr)
	artifacts := fs.String("artifacts", os.Getenv("ARTIFACTS"), "the run's artifacts folder (default $ARTIFACTS)")
	hashes := fs.String("hashes", "", "the hash files' folder (default ARTIFACTS/"+secrets.HashesDir+")")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *artifacts == "" {
		fmt.Fprintln(stderr, "scan-credentials: -artifacts (or ARTIFACTS) is required")
		return 2
	}
	if *hashes == "" {
		*hashes = filepath.Join(*artifacts, secrets.HashesDir)
	}
	start := time.Now()
	known, err := secrets.LoadHashes(*hashes)
	if err != nil {
		fmt.Fprintln(stderr, "scan-credentials:", err)
		return 2
	}
	if len(known) == 0 {
		fmt.Fprintf(stdout, "scan-credentials: no credential was tracked (no hashes in %s): nothing to look for\n", *hashes)
		return 0
	}
	leaks, st, err := known.ScanDir(*artifacts)
	for i, l := range leaks {
		if i == shownLeaks {
			fmt.Fprintf(stderr, "… and %d more\n", len(leaks)-shownLeaks)
			break
		}
		fmt.Fprintln(stderr, l)
	}
	if err != nil {
		fmt.Fprintln(stderr, "scan-credentials:", err)
		return 2
	}
	summary := fmt.Sprintf("%d files (%.1f MiB) under %s scanned for %d hashes of tracked credentials in %s",
		st.Files, float64(st.Bytes)/(1<<20), *artifacts, len(known), time.Since(start).Round(time.Millisecond))
	if len(leaks) > 0 {
		fmt.Fprintf(stderr, "scan-credentials: FAILED: credential leaks found: %d; %s\n", len(leaks), summary)
		return 1
	}
	fmt.Fprintf(stdout, "scan-credentials: no credential leak; %s\n", summary)
	return 0
}
