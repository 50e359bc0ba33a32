#pragma once

#include <QSslCertificate>
#include <QStringList>

class StaticResolver;

/**
 * The demo's mail domains ("the demo plays everything"): DNS answers for `demo.test` and a few
 * broken siblings, served by a StaticResolver with the DNSSEC status a validating resolver would
 * report, every MX pointing at the built-in demo server on 127.0.0.1. A domain check of them
 * needs no network.
 */
class DemoDomain final
{
public:
    /// `demo.test` (DANE valid, TLS-RPT), `tlsa-mismatch.demo.test`, `unsigned.demo.test`,
    /// `bogus.demo.test`, `nullmx.demo.test`, `cname.demo.test`.
    static QStringList domains();
    /// Fills `resolver`; `serverCertificate` is the demo server's good certificate (its TLSA).
    static void populate(StaticResolver& resolver, const QSslCertificate& serverCertificate);
};
