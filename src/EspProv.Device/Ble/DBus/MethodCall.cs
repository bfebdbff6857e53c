using Tmds.DBus.Protocol;

namespace EspProv.Device.Ble.DBus;

/// <summary>Writes the body of a message; <see cref="MessageWriter"/> is a ref struct, so lambdas take it by reference.</summary>
internal delegate void BodyWriter(ref MessageWriter writer);

/// <summary>
/// One incoming method call. Arguments must be read while the handler runs (the request buffer is pooled); a handler that
/// answers later calls <see cref="Defer"/> first and then exactly one of the reply methods, from any thread.
/// </summary>
internal sealed class MethodCall
{
    private readonly MethodContext _context;
    private bool _deferred;
    private int _answered;

    public MethodCall(MethodContext context)
    {
        _context = context;
        Interface = context.Request.InterfaceAsString ?? "";
        Member = context.Request.MemberAsString ?? "";
        Path = context.Request.PathAsString ?? "";
        Sender = context.Request.SenderAsString ?? "";
        Signature = context.Request.SignatureAsString ?? "";
    }

    public string Interface { get; }

    public string Member { get; }

    public string Path { get; }

    /// <summary>Unique bus name of the caller.</summary>
    public string Sender { get; }

    public string Signature { get; }

    /// <summary>True once a reply (or error) went out.</summary>
    public bool IsAnswered => Volatile.Read(ref _answered) != 0;

    /// <summary>The request body; valid only until the handler returns or the deferred call is answered.</summary>
    public Reader GetReader() => _context.Request.GetBodyReader();

    /// <summary>Keeps the call open after the handler returns, to be answered later.</summary>
    public MethodCall Defer()
    {
        _context.DisposesAsynchronously = true;
        _deferred = true;
        return this;
    }

    public void ReplyEmpty() => Reply(null, null);

    public void Reply(string? signature, BodyWriter? body)
    {
        if (Interlocked.Exchange(ref _answered, 1) != 0)
        {
            return;
        }
        var writer = _context.CreateReplyWriter(signature);
        try
        {
            body?.Invoke(ref writer);
            _context.Reply(writer.CreateMessage());
        }
        finally
        {
            writer.Dispose();
            Finish();
        }
    }

    public void ReplyError(string name, string message)
    {
        if (Interlocked.Exchange(ref _answered, 1) != 0)
        {
            return;
        }
        try
        {
            _context.ReplyError(name, message);
        }
        finally
        {
            Finish();
        }
    }

    private void Finish()
    {
        if (_deferred)
        {
            _context.Dispose();
        }
    }
}
