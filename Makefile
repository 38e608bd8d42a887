# The two commands: `make run` (demo on the embedded default) and `make test` (the whole suite).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app web
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test lint install vendor translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# The browser's libraries, pinned in frontend/package.json; marked and DOMPurify as ES modules
# (web/static/richtext.js imports them), Chart.js as its one-file build (the marketing
# overview), so the CSP stays script-src 'self'.
VENDOR := web/static/vendor/socket.io.min.js web/static/vendor/marked.esm.js web/static/vendor/purify.es.mjs \
	web/static/vendor/chart.umd.min.js
$(VENDOR) &: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --silent
	mkdir -p web/static/vendor
	cp frontend/node_modules/socket.io-client/dist/socket.io.min.js web/static/vendor/
	cp frontend/node_modules/marked/lib/marked.esm.js web/static/vendor/
	cp frontend/node_modules/dompurify/dist/purify.es.mjs web/static/vendor/
	cp frontend/node_modules/chart.js/dist/chart.umd.min.js web/static/vendor/

# The staff pages' and mails' catalogs: web/translations/*/LC_MESSAGES/messages.po (the source,
# kept with `pybabel extract -F babel.cfg -k _l -o web/translations/messages.pot . && pybabel
# update -i web/translations/messages.pot -d web/translations`), compiled here.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard web/translations/*/LC_MESSAGES/messages.po))
%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

install: $(VENV)/.installed vendor translations
vendor: $(VENDOR)
translations: $(CATALOGS)

# A secret kept across restarts of the demo, so signed-in consoles stay signed in.
instance/secret_key:
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(secrets.token_hex(32))" > $@

# Without an SMTP server of your own, mail goes to one on loopback that keeps it in
# instance/mail, readable at /admin/mail. The demo company is Lumen Ledger
# (matchmaker/demo/demo_company.json): its name in share posts, and never masked as a person's.
run: install instance/secret_key
	export MATCHMAKER_SECRET_KEY=$${MATCHMAKER_SECRET_KEY:-$$(cat instance/secret_key)}; \
	export MATCHMAKER_COMPANY_NAME="$${MATCHMAKER_COMPANY_NAME:-Lumen Ledger}"; \
	export MATCHMAKER_PUBLIC_URL=$${MATCHMAKER_PUBLIC_URL:-http://$${MATCHMAKER_HOST:-127.0.0.1}:$${MATCHMAKER_PORT:-5000}}; \
	catch=""; if [ -z "$${MATCHMAKER_SMTP_HOST:-}" ]; then catch=--catch-mail; \
	  export MATCHMAKER_SMTP_HOST=127.0.0.1 MATCHMAKER_SMTP_PORT=$${MATCHMAKER_SMTP_PORT:-8025} \
	    MATCHMAKER_SMTP_SECURITY=none MATCHMAKER_MAIL_CATCHER_DIR=$(CURDIR)/instance/mail; fi; \
	$(FLASK) init-db && $(FLASK) seed-demo && $(FLASK) reembed --if-stale && \
	$(FLASK) serve $$catch --host $${MATCHMAKER_HOST:-127.0.0.1} --port $${MATCHMAKER_PORT:-5000}

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: install lint
	node --test tests/js/
	$(BIN)/python -m pytest $(PYTEST_ARGS)
