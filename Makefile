# Slant — make run opens the app; make test runs every test, the real-window
# test under Xvfb included. Both install what is missing on Debian/Ubuntu.

SHELL := /bin/bash
GO ?= go
export LANG := en_US.UTF-8
# Packages tested without cgo: everything but main.go (see DESIGN: only
# fyne.io/fyne/v2/app needs cgo).
PKGS := ./annotate/... ./store/... ./app/... ./assets/...

GUI_DEBS := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
WINDOW_TEST_DEBS := xvfb xdotool imagemagick
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# ensure_debs installs the Debian packages in $(1) that are missing, or says
# what to install where apt-get is not available.
define ensure_debs
	@missing=""; \
	if command -v dpkg-query >/dev/null 2>&1; then \
	  for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	else missing="$(1)"; fi; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing system packages:$$missing"; \
	    $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  elif [ "$(2)" = gui ] && pkg-config --exists gl x11 xcursor xrandr xinerama xi xxf86vm 2>/dev/null; then :; \
	  else \
	    echo "Slant needs these (Debian names; use your system's equivalents):$$missing"; exit 1; \
	  fi; \
	fi
endef

.PHONY: all build run test unit window-test bench deps-gui deps-window clean fuzz

all: build

deps-gui:
	$(call ensure_debs,$(GUI_DEBS),gui)

deps-window: deps-gui
	$(call ensure_debs,$(WINDOW_TEST_DEBS),window)

## build: the slant binary (cgo, for the OpenGL window)
build: deps-gui
	CGO_ENABLED=1 $(GO) build -o slant .

## run: build and open the window on the default project
run: build
	./slant

## test: unit, store, CLI, GUI (Fyne test driver) and fuzz-seed tests without
## cgo, then the real-window test under Xvfb
test: unit window-test

unit:
	CGO_ENABLED=0 $(GO) vet $(PKGS)
	CGO_ENABLED=0 $(GO) test -count=1 -timeout 30m $(PKGS)

window-test: deps-window build
	mkdir -p build
	CGO_ENABLED=0 $(GO) test -count=1 -tags window -v -run . ./app/e2e -args -slant=$(CURDIR)/slant -shots=$(CURDIR)/build

## bench: every benchmark, as a table with the ratio to its budget (the
## first run builds 100,000-document fixtures, cached in the temp folder)
BENCHTIME ?= 1s
bench:
	mkdir -p build
	set -o pipefail; CGO_ENABLED=0 $(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) -timeout 90m $(PKGS) \
		| tee build/bench.txt | awk -f .ci/benchtable.awk

## fuzz: run each fuzz target for a while (make test runs their seeds only)
fuzz:
	@for pkg in $$(CGO_ENABLED=0 $(GO) list $(PKGS)); do \
	  for f in $$(CGO_ENABLED=0 $(GO) test -list '^Fuzz' $$pkg | grep ^Fuzz); do \
	    CGO_ENABLED=0 $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime 30s $$pkg || exit 1; \
	  done; \
	done

clean:
	rm -rf slant build
