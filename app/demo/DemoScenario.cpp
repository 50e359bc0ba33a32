#include "DemoScenario.h"

#include <QCoreApplication>

namespace DemoScenarios {

QList<DemoScenario> all()
{
    return {DemoScenario::Good,
            DemoScenario::NoStartTls,
            DemoScenario::StartTlsRejected,
            DemoScenario::ResponseInjection,
            DemoScenario::CommandInjection,
            DemoScenario::ExpiredCert,
            DemoScenario::WrongHost,
            DemoScenario::SelfSigned,
            DemoScenario::SlowBanner,
            DemoScenario::Tarpit,
            DemoScenario::AuthFails,
            DemoScenario::DropsInHandshake,
            DemoScenario::Preauth,
            DemoScenario::ExpectsImplicitTls,
            DemoScenario::SwappedProtocols,
            DemoScenario::RelayDenied,
            DemoScenario::LegacyTls};
}

QString name(DemoScenario scenario)
{
    switch (scenario) {
    case DemoScenario::Good:
        return QStringLiteral("good");
    case DemoScenario::NoStartTls:
        return QStringLiteral("no-starttls");
    case DemoScenario::StartTlsRejected:
        return QStringLiteral("starttls-rejected");
    case DemoScenario::ResponseInjection:
        return QStringLiteral("response-injection");
    case DemoScenario::CommandInjection:
        return QStringLiteral("command-injection");
    case DemoScenario::ExpiredCert:
        return QStringLiteral("expired-cert");
    case DemoScenario::WrongHost:
        return QStringLiteral("wrong-host");
    case DemoScenario::SelfSigned:
        return QStringLiteral("self-signed");
    case DemoScenario::SlowBanner:
        return QStringLiteral("slow-banner");
    case DemoScenario::Tarpit:
        return QStringLiteral("tarpit");
    case DemoScenario::AuthFails:
        return QStringLiteral("auth-fails");
    case DemoScenario::DropsInHandshake:
        return QStringLiteral("drops-in-handshake");
    case DemoScenario::Preauth:
        return QStringLiteral("preauth");
    case DemoScenario::ExpectsImplicitTls:
        return QStringLiteral("expects-implicit-tls");
    case DemoScenario::SwappedProtocols:
        return QStringLiteral("swapped-protocols");
    case DemoScenario::RelayDenied:
        return QStringLiteral("relay-denied");
    case DemoScenario::LegacyTls:
        return QStringLiteral("legacy-tls");
    }
    return {};
}

std::optional<DemoScenario> fromName(const QString& name)
{
    const QList<DemoScenario> scenarios = all();
    for (DemoScenario s : scenarios) {
        if (DemoScenarios::name(s) == name)
            return s;
    }
    return std::nullopt;
}

QString description(DemoScenario scenario)
{
    switch (scenario) {
    case DemoScenario::Good:
        return QCoreApplication::translate(
            "DemoServer", "A well-configured server: STARTTLS, TLS 1.3, a certificate from the demo CA.");
    case DemoScenario::NoStartTls:
        return QCoreApplication::translate(
            "DemoServer", "STARTTLS is not offered, and passwords are accepted over plaintext.");
    case DemoScenario::StartTlsRejected:
        return QCoreApplication::translate(
            "DemoServer",
            "STARTTLS is advertised, but the server refuses it (SMTP 454, IMAP NO, POP3 -ERR).");
    case DemoScenario::ResponseInjection:
        return QCoreApplication::translate(
            "DemoServer",
            "Extra plaintext replies follow the STARTTLS go-ahead, as an attacker would inject them.");
    case DemoScenario::CommandInjection:
        return QCoreApplication::translate(
            "DemoServer",
            "Commands sent together with STARTTLS are run after the handshake (CVE-2011-0411).");
    case DemoScenario::ExpiredCert:
        return QCoreApplication::translate("DemoServer", "The certificate expired a month ago.");
    case DemoScenario::WrongHost:
        return QCoreApplication::translate("DemoServer",
                                           "The certificate is for another host (mail.wrong-host.invalid).");
    case DemoScenario::SelfSigned:
        return QCoreApplication::translate("DemoServer",
                                           "The certificate is self-signed, not issued by a CA.");
    case DemoScenario::SlowBanner:
        return QCoreApplication::translate("DemoServer",
                                           "The greeting comes only after 3 seconds (try --timeout 1).");
    case DemoScenario::Tarpit:
        return QCoreApplication::translate(
            "DemoServer",
            "Every reply comes only after 3 seconds, like a tarpitting MX host (with the TLS audit, "
            "try --deadline 20).");
    case DemoScenario::AuthFails:
        return QCoreApplication::translate("DemoServer",
                                           "Every login is refused, even with the right password.");
    case DemoScenario::DropsInHandshake:
        return QCoreApplication::translate(
            "DemoServer", "The server closes the connection in the middle of the TLS handshake.");
    case DemoScenario::Preauth:
        return QCoreApplication::translate(
            "DemoServer",
            "IMAP greets with PREAUTH in plaintext: logged in before TLS, so STARTTLS is impossible. "
            "SMTP and POP3 behave as in the good scenario.");
    case DemoScenario::ExpectsImplicitTls:
        return QCoreApplication::translate(
            "DemoServer",
            "Every port expects TLS at once (implicit TLS): a STARTTLS check waits for a greeting that "
            "never comes, then learns why and offers the run with implicit TLS.");
    case DemoScenario::SwappedProtocols:
        return QCoreApplication::translate(
            "DemoServer",
            "Each port speaks another protocol (the SMTP port IMAP, IMAP's POP3, POP3's SMTP): the "
            "check names the protocol that answered and offers the run with it.");
    case DemoScenario::RelayDenied:
        return QCoreApplication::translate(
            "DemoServer",
            "SMTP refuses a test message to any recipient outside localhost (relay access denied); "
            "send to someone@localhost to see it accepted.");
    case DemoScenario::LegacyTls:
        return QCoreApplication::translate(
            "DemoServer",
            "TLS 1.3 for a normal client, but old hellos still get SSLv2, SSLv3, RC4, 3DES, export, "
            "NULL and anonymous suites and a 1024-bit DH group: run the TLS audit (--tls-versions "
            "--ciphers) to see each one found.");
    }
    return {};
}

} // namespace DemoScenarios
