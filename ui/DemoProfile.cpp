#include "DemoProfile.h"

#include <QCoreApplication>

ServerProfile DemoProfile::sample()
{
    ServerProfile p;
    p.name = QCoreApplication::translate("DemoProfile", "Demo: a server with its own CA");
    p.host = demoHost();
    p.port = 587;
    p.protocol = Protocol::Smtp;
    p.tls = TlsMode::StartTls;
    p.notes = QCoreApplication::translate(
        "DemoProfile",
        "Runs on the built-in demo server. Its certificate is signed by the Mailscope demo CA, which "
        "this profile does not trust yet: the first run fails. Add the demo CA file under Trust, or "
        "trust the certificate after the run, and run again.");
    return p;
}
