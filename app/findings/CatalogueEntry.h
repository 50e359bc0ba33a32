#pragma once

#include "run/Run.h"

#include <QLatin1String>
#include <span>

/// One catalogue entry: the id, its default severity and the untranslated texts (marked with
/// QT_TRANSLATE_NOOP in the "Findings" context; FindingCatalogue::make() translates them).
/// Private to app/findings: the catalogue is split into units by subject, and
/// FindingCatalogue searches all of them.
struct CatalogueEntry
{
    QLatin1String id;
    Severity severity;
    const char* title;
    const char* explanation;
    const char* reference;
};

/// The entries about a mail domain: MX records, DANE, MTA-STS, TLS-RPT (DomainFindingCatalogue.cpp).
std::span<const CatalogueEntry> domainCatalogue();
/// The entries about accepted cipher suites, SSL 2.0/3.0, DH sizes and groups (TlsSuiteCatalogue.cpp).
std::span<const CatalogueEntry> tlsSuiteCatalogue();
