#pragma once

class QCoreApplication;

/// Installs Mailscope's translations: English plural forms always (the source texts say
/// "%n extension(s)"), then the user's language where a translation exists.
class Translations final
{
public:
    static void install(QCoreApplication& app);
};
