// Pins the Go tools that check the CI definition: actionlint, the linter of
// .github/workflows/*.yml, run as `go -C .ci/go tool actionlint` (`npm run lint:ci`); Go builds
// it on first use and keeps it in its build cache.
// Bump it with `go get -tool github.com/rhysd/actionlint/cmd/actionlint@<version>`.
// Its module path is k8s-sandbox/ci, not k8s-sandbox/.ci/go: a Go path element cannot begin with a dot.
module k8s-sandbox/ci

go 1.26

tool github.com/rhysd/actionlint/cmd/actionlint

require (
	github.com/bmatcuk/doublestar/v4 v4.10.0 // indirect
	github.com/clipperhouse/uax29/v2 v2.7.0 // indirect
	github.com/fatih/color v1.19.0 // indirect
	github.com/mattn/go-colorable v0.1.14 // indirect
	github.com/mattn/go-isatty v0.0.20 // indirect
	github.com/mattn/go-runewidth v0.0.21 // indirect
	github.com/mattn/go-shellwords v1.0.12 // indirect
	github.com/rhysd/actionlint v1.7.12 // indirect
	github.com/robfig/cron/v3 v3.0.1 // indirect
	go.yaml.in/yaml/v4 v4.0.0-rc.3 // indirect
	golang.org/x/sync v0.20.0 // indirect
	golang.org/x/sys v0.42.0 // indirect
)
