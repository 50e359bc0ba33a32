#pragma once

#include "DemoScenario.h"
#include "tls/CertificateFactory.h"

#include <QList>
#include <QSslCertificate>
#include <QSslConfiguration>

/**
 * The demo server's certificates, issued in-process once per server: a root CA labelled as the
 * demo CA, an intermediate, and the leaves the scenarios present (good, expired, wrong host,
 * self-signed). CA-signed leaves are sent with the intermediate, as a real server would.
 * Nothing here may ever be trusted outside a demo run.
 */
struct DemoCertificates
{
    IssuedCertificate root;
    IssuedCertificate intermediate;
    IssuedCertificate good;
    IssuedCertificate expired;
    IssuedCertificate wrongHost;
    IssuedCertificate selfSigned;

    /// Issues a fresh set; isNull() when libcrypto failed.
    static DemoCertificates generate();
    bool isNull() const;

    /// The server-side TLS configuration for `scenario`: leaf (+ intermediate) and its key.
    QSslConfiguration serverConfiguration(DemoScenario scenario) const;
};
