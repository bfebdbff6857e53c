using Tmds.DBus.Protocol;

namespace EspProv.Device.Ble.DBus;

/// <summary>
/// Exports <see cref="ExportedObject"/>s on one connection and serves the standard interfaces for them:
/// <c>Properties</c> (Get, GetAll, Set, PropertiesChanged), <c>Introspectable</c>, and <c>ObjectManager</c> at
/// <see cref="ManagerPath"/> (GetManagedObjects, InterfacesAdded, InterfacesRemoved). Every call is dispatched under
/// <see cref="Gate"/>, so owners mutate their model under the same lock and signals leave in the order of the changes.
/// </summary>
internal sealed class ObjectServer
{
    private readonly Dictionary<string, ExportedObject> _objects = new(StringComparer.Ordinal);

    public ObjectServer(DBusConnection connection, string managerPath)
    {
        Connection = connection;
        ManagerPath = managerPath;
        connection.AddMethodHandler(new PathHandler(this, managerPath));
    }

    public DBusConnection Connection { get; }

    public string ManagerPath { get; }

    /// <summary>The one lock of the model built on this server (re-entrant).</summary>
    public Lock Gate { get; } = new();

    public ExportedObject? Find(string path)
    {
        lock (Gate)
        {
            return _objects.GetValueOrDefault(path);
        }
    }

    /// <summary>Exports an object and announces all its interfaces with InterfacesAdded.</summary>
    public void Export(ExportedObject obj)
    {
        lock (Gate)
        {
            _objects.Add(obj.Path, obj);
            if (obj.Path != ManagerPath)
            {
                Connection.AddMethodHandler(new PathHandler(this, obj.Path));
            }
            if (obj.Interfaces.Count > 0)
            {
                EmitInterfacesAdded(obj.Path, obj.Interfaces);
            }
        }
    }

    /// <summary>Removes an object, announcing InterfacesRemoved for all its interfaces.</summary>
    public void Remove(string path)
    {
        lock (Gate)
        {
            if (!_objects.Remove(path, out var obj))
            {
                return;
            }
            if (path != ManagerPath)
            {
                Connection.RemoveMethodHandler(path);
            }
            if (obj.Interfaces.Count > 0)
            {
                string[] names = [.. obj.Interfaces.Keys];
                Emit(ManagerPath, DBusNames.ObjectManager, "InterfacesRemoved", "oas", (ref MessageWriter w) =>
                {
                    w.WriteObjectPath(path);
                    w.WriteArray(names);
                });
            }
        }
    }

    /// <summary>Updates one property and emits PropertiesChanged if its value changed.</summary>
    public void SetProperty(ExportedObject obj, string iface, string name, VariantValue value) =>
        SetProperties(obj, iface, new KeyValuePair<string, VariantValue>(name, value));

    /// <summary>Updates properties and emits one PropertiesChanged with the values that changed.</summary>
    public void SetProperties(ExportedObject obj, string iface, params ReadOnlySpan<KeyValuePair<string, VariantValue>> changes)
    {
        lock (Gate)
        {
            var props = obj.Interfaces[iface];
            var changed = new Dictionary<string, VariantValue>(StringComparer.Ordinal);
            foreach ((var name, var value) in changes)
            {
                if (!props.TryGetValue(name, out var old) || !old.Equals(value))
                {
                    props[name] = value;
                    changed[name] = value;
                }
            }
            if (changed.Count > 0 && _objects.ContainsKey(obj.Path))
            {
                EmitPropertiesChanged(obj.Path, iface, changed, []);
            }
        }
    }

    /// <summary>Removes properties (e.g. RSSI at StopDiscovery) and announces them as invalidated.</summary>
    public void InvalidateProperties(ExportedObject obj, string iface, params string[] names)
    {
        lock (Gate)
        {
            var props = obj.Interfaces[iface];
            string[] removed = [.. names.Where(props.Remove)];
            if (removed.Length > 0 && _objects.ContainsKey(obj.Path))
            {
                EmitPropertiesChanged(obj.Path, iface, [], removed);
            }
        }
    }

    /// <summary>Sends a signal from <paramref name="path"/> (no destination: every matching rule receives it).</summary>
    public void Emit(string path, string iface, string member, string? signature, BodyWriter? body)
    {
        var writer = Connection.GetMessageWriter();
        try
        {
            writer.WriteSignalHeader(null, path, iface, member, signature);
            body?.Invoke(ref writer);
            Connection.TrySendMessage(writer.CreateMessage());
        }
        finally
        {
            writer.Dispose();
        }
    }

    private void EmitInterfacesAdded(string path, IEnumerable<KeyValuePair<string, Dictionary<string, VariantValue>>> interfaces)
    {
        Emit(ManagerPath, DBusNames.ObjectManager, "InterfacesAdded", "oa{sa{sv}}", (ref MessageWriter w) =>
        {
            w.WriteObjectPath(path);
            DBusWrite.WriteInterfaces(ref w, interfaces);
        });
    }

    private void EmitPropertiesChanged(string path, string iface, Dictionary<string, VariantValue> changed, string[] invalidated)
    {
        Emit(path, DBusNames.Properties, "PropertiesChanged", "sa{sv}as", (ref MessageWriter w) =>
        {
            w.WriteString(iface);
            w.WriteDictionary(changed);
            w.WriteArray(invalidated);
        });
    }

    private void Dispatch(MethodCall call, string path)
    {
        lock (Gate)
        {
            var obj = _objects.GetValueOrDefault(path);
            var isManager = path == ManagerPath;
            if (call.Interface == DBusNames.ObjectManager && isManager && call.Member == "GetManagedObjects")
            {
                ExportedObject[] below = [.. _objects.Values.Where(o => o.Interfaces.Count > 0 && IsBelow(o.Path))];
                call.Reply("a{oa{sa{sv}}}", (ref MessageWriter w) => DBusWrite.WriteManagedObjects(ref w, below));
                return;
            }
            if (obj is null)
            {
                call.ReplyError(DBusNames.ErrorUnknownObject, $"Method \"{call.Member}\" with signature \"{call.Signature}\" on interface \"{call.Interface}\" doesn't exist");
                return;
            }
            var handled = call.Interface switch
            {
                DBusNames.Properties => HandleProperties(call, obj),
                _ => obj.Methods?.Invoke(call) ?? false,
            };
            if (!handled && !call.IsAnswered)
            {
                call.ReplyError("org.freedesktop.DBus.Error.UnknownMethod", $"Method \"{call.Member}\" with signature \"{call.Signature}\" on interface \"{call.Interface}\" doesn't exist");
            }
        }
    }

    private bool IsBelow(string path) =>
        path != ManagerPath && (ManagerPath == "/" || path.StartsWith(ManagerPath + "/", StringComparison.Ordinal));

    private static bool HandleProperties(MethodCall call, ExportedObject obj)
    {
        var reader = call.GetReader();
        switch (call.Member)
        {
            case "GetAll":
            {
                var iface = reader.ReadString();
                var props = obj.Interfaces.GetValueOrDefault(iface) ?? [];
                call.Reply("a{sv}", (ref MessageWriter w) => w.WriteDictionary(props));
                return true;
            }
            case "Get":
            {
                var iface = reader.ReadString();
                var name = reader.ReadString();
                if (!obj.TryGet(iface, name, out var value))
                {
                    call.ReplyError(DBusNames.ErrorInvalidArgs, "No such property '" + name + "'");
                    return true;
                }
                call.Reply("v", (ref MessageWriter w) => w.WriteVariant(value));
                return true;
            }
            case "Set":
            {
                var iface = reader.ReadString();
                var name = reader.ReadString();
                var value = reader.ReadVariantValue();
                if (!obj.TryGet(iface, name, out _))
                {
                    call.ReplyError(DBusNames.ErrorInvalidArgs, "No such property '" + name + "'");
                    return true;
                }
                var error = obj.Setter is null
                    ? (DBusNames.ErrorPropertyReadOnly, "Property '" + name + "' is not writable")
                    : obj.Setter(iface, name, value);
                if (error is { } e)
                {
                    call.ReplyError(e.Name, e.Message);
                }
                else
                {
                    call.ReplyEmpty();
                }
                return true;
            }
            default:
                return false;
        }
    }

    private void Introspect(MethodContext context, string path)
    {
        lock (Gate)
        {
            var obj = _objects.GetValueOrDefault(path);
            context.ReplyIntrospectXml(Introspection.For(obj?.Interfaces.Keys ?? [], path == ManagerPath), Array.Empty<string>());
        }
    }

    private sealed class PathHandler(ObjectServer server, string path) : IPathMethodHandler
    {
        public string Path => path;

        public bool HandlesChildPaths => false;

        public ValueTask HandleMethodAsync(MethodContext context)
        {
            if (context.IsDBusIntrospectRequest)
            {
                server.Introspect(context, path);
            }
            else
            {
                server.Dispatch(new MethodCall(context), path);
            }
            return ValueTask.CompletedTask;
        }
    }
}
