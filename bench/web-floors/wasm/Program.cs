using System.Runtime.InteropServices.JavaScript;
Floor.Interop.Ready();
namespace Floor
{
    internal static partial class Interop
    {
        [JSImport("globalThis.floorReady")]
        internal static partial void Ready();
    }
}
